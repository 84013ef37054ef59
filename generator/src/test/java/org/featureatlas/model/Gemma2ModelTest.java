package org.featureatlas.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.featureatlas.check.AtlasException;
import org.featureatlas.reference.ReferenceGemma2;
import org.featureatlas.reference.ReferenceLlama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gemma 2 loaded from Hugging Face layouts against the float64 {@link ReferenceGemma2}: every hook, the final
 * residual and the (soft-capped) logits agree to 1e-4 (relative above 1); bad configs are one line.
 */
class Gemma2ModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int BATCH = 2;
  static final int SEQ = 12;
  private static final double TOL = 1e-4;

  @TempDir
  Path dir;

  static Set<HookPoint> allHooks(ModelConfig c) {
    Set<HookPoint> all = new HashSet<>();
    for (int l = 0; l < c.nLayer(); l++) {
      for (HookSite s : c.hookSites()) {
        all.add(new HookPoint(l, s));
      }
    }
    return all;
  }

  static void assertClose(String what, double[][] expected, float[] actual, int b) {
    int seq = expected.length;
    int width = expected[0].length;
    double scale = 0;
    for (double[] row : expected) {
      for (double v : row) {
        scale = Math.max(scale, Math.abs(v));
      }
    }
    assertTrue(scale > 1e-2, what + ": reference values are all ~0, test would be vacuous");
    assertEquals((long) BATCH * seq * width, actual.length, what + " size");
    for (int t = 0; t < seq; t++) {
      for (int j = 0; j < width; j++) {
        double a = actual[(b * seq + t) * width + j];
        double e = expected[t][j];
        assertEquals(e, a, TOL * Math.max(1, Math.abs(e)), what + " batch " + b + " pos " + t + " unit " + j);
      }
    }
  }

  interface Reference {
    ReferenceLlama.Trace run(int[] tokens);
  }

  /** Loads {@code model} through {@link Models}, runs two sequences, and compares everything with {@code ref}. */
  static void checkAgainstReference(Path model, Class<?> weightsClass, int vocab, Reference ref) {
    ModelWeights weights = Models.load(model);
    assertInstanceOf(weightsClass, weights);
    ModelConfig c = weights.config();
    int[][] tokens = {TestLlamas.tokens(SEQ, vocab, 1), TestLlamas.tokens(SEQ, vocab, 2)};
    try (NDManager root = NDManager.newBaseManager("PyTorch");
        LanguageModel m = weights.newModel(root);
        NDManager batch = root.newSubManager()) {
      int[] flat = new int[BATCH * SEQ];
      for (int b = 0; b < BATCH; b++) {
        System.arraycopy(tokens[b], 0, flat, b * SEQ, SEQ);
      }
      ForwardResult r = m.forward(batch.create(flat, new Shape(BATCH, SEQ)), ForwardOptions.full(allHooks(c)));
      assertEquals(allHooks(c), r.hooks().keySet());
      for (int b = 0; b < BATCH; b++) {
        ReferenceLlama.Trace tr = ref.run(tokens[b]);
        assertEquals(tr.hooks().keySet(), allHooks(c), "the reference has the same hooks");
        for (HookPoint h : allHooks(c)) {
          NDArray a = r.hook(h);
          assertEquals(new Shape(BATCH, SEQ, h.width(c)), a.getShape(), h.toString());
          assertClose(h.toString(), tr.hook(h), a.toFloatArray(), b);
        }
        assertClose("finalResid", tr.finalResid(), r.finalResid().toFloatArray(), b);
        assertClose("logits", tr.logits(), r.logits().toFloatArray(), b);
      }
    }
  }

  private static void check(TestFamilies.Written w) {
    ReferenceGemma2.Spec spec = ReferenceGemma2.Spec.of(w.config());
    checkAgainstReference(w.dir(), Gemma2Weights.class, spec.vocab(), t -> ReferenceGemma2.forward(spec, w.tensors(), t));
  }

  @Test
  void gemma2WithSoftCapsSlidingWindowAndGroupedQueriesMatchesReference() throws Exception {
    ObjectNode c = TestFamilies.gemma2(4, 2, 40);
    TestFamilies.Written w = TestFamilies.write(dir.resolve("g"), c, TestFamilies.gemma2Shapes(c), 3, "F32", 1);
    // The soft caps must bite, or the test would pass without them: some logits beyond half the final cap.
    ReferenceGemma2.Spec spec = ReferenceGemma2.Spec.of(c);
    ReferenceLlama.Trace tr = ReferenceGemma2.forward(spec, w.tensors(), TestLlamas.tokens(SEQ, 40, 1));
    double max = 0;
    for (double[] row : tr.logits()) {
      for (double v : row) {
        max = Math.max(max, Math.abs(v));
      }
    }
    assertTrue(max > 1.5, "final soft cap not exercised: max |logit| " + max);
    check(w);
  }

  @Test
  void gemma2UntiedBf16ShardedWithoutSoftCapsMatchesReference() throws Exception {
    ObjectNode c = TestFamilies.gemma2(2, 1, 30);
    c.putNull("attn_logit_softcapping");
    c.putNull("final_logit_softcapping");
    c.put("tie_word_embeddings", false);
    c.put("query_pre_attn_scalar", 8);
    c.put("sliding_window", 3);
    TestFamilies.Written w = TestFamilies.write(dir.resolve("u"), c, TestFamilies.gemma2Shapes(c), 4, "BF16", 3);
    check(w);
  }

  @Test
  void toResidualStopsAtThePostNormWhichPostNormNamesAndTheFinalNormIsUnitOffset() throws Exception {
    ObjectNode c = TestFamilies.gemma2(4, 2, 40);
    c.put("attention_bias", true);
    TestFamilies.Written w = TestFamilies.write(dir.resolve("r"), c, TestFamilies.gemma2Shapes(c), 5, "F32", 1);
    ModelWeights weights = Models.load(w.dir());
    try (NDManager root = NDManager.newBaseManager("PyTorch");
        LanguageModel m = weights.newModel(root);
        NDManager batch = root.newSubManager()) {
      // mlp.hook_post: down_proj alone, then post_feedforward_layernorm (1 + w), no bias.
      float[] post = new float[48];
      post[7] = 1f;
      HookPoint mlp = HookPoint.parse("blocks.1.mlp.hook_post");
      float[] got = m.toResidual(mlp, batch.create(post, new Shape(1, 48))).toFloatArray();
      float[] down = w.tensors().get("model.layers.1.mlp.down_proj.weight"); // [32, 48]
      float[] g = w.tensors().get("model.layers.1.post_feedforward_layernorm.weight");
      PostNorm mlpNorm = m.postNorm(mlp);
      float[] scale = mlpNorm.scale().toFloatArray();
      for (int d = 0; d < 32; d++) {
        assertEquals(down[d * 48 + 7], got[d], 1e-6, "unit " + d);
        assertEquals(1.0 + g[d], scale[d], 1e-6, "scale " + d);
      }
      assertNull(mlpNorm.bias());
      assertEquals(1e-6, mlpNorm.eps());
      // attn.hook_z: o_proj without its bias, then post_attention_layernorm; the bias comes with the norm.
      HookPoint z = HookPoint.parse("blocks.0.attn.hook_z");
      PostNorm attnNorm = m.postNorm(z);
      float[] ga = w.tensors().get("model.layers.0.post_attention_layernorm.weight");
      float[] ob = w.tensors().get("model.layers.0.self_attn.o_proj.bias");
      float[] gotScale = attnNorm.scale().toFloatArray();
      float[] gotBias = attnNorm.bias().toFloatArray();
      for (int d = 0; d < 32; d++) {
        assertEquals(1.0 + ga[d], gotScale[d], 1e-6, "attn scale " + d);
        assertEquals(ob[d], gotBias[d], 0, "o_proj bias " + d);
      }
      float[] zero = m.toResidual(z, batch.zeros(new Shape(1, 32))).toFloatArray();
      for (float v : zero) assertEquals(0f, v, "toResidual leaves the bias out");
      for (HookSite site : List.of(HookSite.RESID_PRE, HookSite.ATTN_OUT, HookSite.RESID_MID, HookSite.MLP_OUT,
          HookSite.RESID_POST)) {
        assertNull(m.postNorm(new HookPoint(1, site)), site.toString());
        assertTrue(!weights.config().hasPostNorm(new HookPoint(1, site)), site.toString());
      }
      assertTrue(weights.config().hasPostNorm(mlp) && weights.config().hasPostNorm(z));
      assertTrue(m.finalNorm().unitOffset());
      assertEquals(NormKind.RMS_NORM, m.finalNorm().kind());
      assertNull(m.finalNorm().bias());
      assertEquals(NormKind.RMS_NORM, weights.config().normKind());
    }
  }

  private Path write(String name, ObjectNode c) throws Exception {
    Path m = dir.resolve(name);
    Files.createDirectories(m);
    Files.writeString(m.resolve("config.json"), JSON.writeValueAsString(c));
    return m;
  }

  private static String refused(Path model) {
    return assertThrows(AtlasException.class, () -> Models.load(model)).getMessage();
  }

  @Test
  void badConfigsAndCheckpointsAreOneLine() throws Exception {
    for (String key : List.of("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
        "vocab_size", "max_position_embeddings")) {
      ObjectNode c = TestFamilies.gemma2(4, 2, 20);
      c.remove(key);
      Path m = write("missing-" + key, c);
      assertEquals(m.resolve("config.json") + ": missing field " + key, refused(m));
    }
    Path kv = write("kv", TestFamilies.gemma2(4, 3, 20));
    assertEquals(kv.resolve("config.json") + ": num_attention_heads 4 is not a multiple of num_key_value_heads 3",
        refused(kv));
    ObjectNode odd = TestFamilies.gemma2(4, 2, 20);
    odd.put("head_dim", 7);
    Path o = write("odd", odd);
    assertEquals(o.resolve("config.json") + ": head_dim 7 is odd (rotary embeddings rotate pairs)", refused(o));
    ObjectNode act = TestFamilies.gemma2(4, 2, 20);
    act.put("hidden_activation", "silu");
    Path a = write("act", act);
    assertEquals(a.resolve("config.json") + ": hidden_activation silu is not supported (only gelu_pytorch_tanh)",
        refused(a));
    // A checkpoint without a post-feedforward norm (a Gemma 1 layout under a gemma2 config) names the tensor.
    ObjectNode c = TestFamilies.gemma2(4, 2, 20);
    var shapes = TestFamilies.gemma2Shapes(c);
    shapes.remove("model.layers.1.post_feedforward_layernorm.weight");
    Path m = TestFamilies.write(dir.resolve("nopost"), c, shapes, 1, "F32", 1).dir();
    assertEquals(m.resolve("model.safetensors") + ": missing tensor layers.1.post_feedforward_layernorm.weight "
        + "(expected shape [32])", refused(m));
    // Untied without lm_head.
    ObjectNode u = TestFamilies.gemma2(4, 2, 20);
    var us = TestFamilies.gemma2Shapes(u);
    u.put("tie_word_embeddings", false);
    Path un = TestFamilies.write(dir.resolve("untied"), u, us, 1, "F32", 1).dir();
    assertEquals(un.resolve("model.safetensors") + ": missing tensor lm_head.weight (expected shape [20, 32]; "
        + "tie_word_embeddings is false)", refused(un));
    // More layers than the checkpoint holds.
    ObjectNode deep = TestFamilies.gemma2(4, 2, 20);
    var ds = TestFamilies.gemma2Shapes(deep);
    deep.put("num_hidden_layers", 5);
    Path dp = TestFamilies.write(dir.resolve("deep"), deep, ds, 1, "F32", 1).dir();
    assertEquals(dp.resolve("config.json") + ": num_hidden_layers 5 but model.safetensors holds 2 layers", refused(dp));
  }
}
