package org.featureatlas.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.featureatlas.reference.ReferenceLlama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Llama family (llama, mistral, qwen2) loaded from Hugging Face layouts (single file, shards; F32, F16, BF16)
 * against the float64 {@link ReferenceLlama}: every hook, the final residual and the logits agree to 1e-4
 * (relative above 1).
 */
class LlamaModelTest {
  private static final int BATCH = 2;
  private static final int SEQ = 12;
  private static final double TOL = 1e-4;

  @TempDir
  Path dir;

  private static Set<HookPoint> allHooks(ModelConfig c) {
    Set<HookPoint> all = new HashSet<>();
    for (int l = 0; l < c.nLayer(); l++) {
      for (HookSite s : EnumSet.allOf(HookSite.class)) {
        all.add(new HookPoint(l, s));
      }
    }
    return all;
  }

  private static void assertClose(String what, double[][] expected, float[] actual, int b) {
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

  /** Loads {@code w.dir()} through {@link Models}, runs two sequences, and compares everything with the reference. */
  private static void checkAgainstReference(TestLlamas.Written w) {
    ModelWeights weights = Models.load(w.dir());
    assertInstanceOf(LlamaWeights.class, weights);
    ModelConfig c = weights.config();
    int vocab = w.spec().vocab();
    int[][] tokens = {TestLlamas.tokens(SEQ, vocab, 1), TestLlamas.tokens(SEQ, vocab, 2)};
    try (NDManager root = NDManager.newBaseManager("PyTorch");
        LanguageModel model = weights.newModel(root);
        NDManager batch = root.newSubManager()) {
      int[] flat = new int[BATCH * SEQ];
      for (int b = 0; b < BATCH; b++) {
        System.arraycopy(tokens[b], 0, flat, b * SEQ, SEQ);
      }
      ForwardResult r = model.forward(batch.create(flat, new Shape(BATCH, SEQ)), ForwardOptions.full(allHooks(c)));
      assertEquals(allHooks(c), r.hooks().keySet());
      for (int b = 0; b < BATCH; b++) {
        ReferenceLlama.Trace ref = ReferenceLlama.forward(w.spec(), w.tensors(), tokens[b]);
        for (HookPoint h : allHooks(c)) {
          NDArray a = r.hook(h);
          assertEquals(new Shape(BATCH, SEQ, h.width(c)), a.getShape(), h.toString());
          assertClose(h.toString(), ref.hook(h), a.toFloatArray(), b);
        }
        assertClose("finalResid", ref.finalResid(), r.finalResid().toFloatArray(), b);
        assertClose("logits", ref.logits(), r.logits().toFloatArray(), b);
      }
    }
  }

  @Test
  void llamaWithGroupedQueriesLlama3RopeAndBiasesMatchesReference() throws Exception {
    ObjectNode c = TestLlamas.config("llama", 4, 2, 40);
    // An original context of 64 with factors 1 and 8 (wavelengths 64 and 8) puts the 4 frequencies of d_head 8
    // (wavelengths 6.3, 63, 628, 6283) in all three llama3 bands.
    ObjectNode rs = c.putObject("rope_scaling");
    rs.put("rope_type", "llama3");
    rs.put("factor", 8.0);
    rs.put("low_freq_factor", 1.0);
    rs.put("high_freq_factor", 8.0);
    rs.put("original_max_position_embeddings", 64);
    c.put("attention_bias", true);
    c.put("mlp_bias", true);
    TestLlamas.Written w = TestLlamas.write(dir.resolve("llama"), c, 3, "F32", 1);
    double[] inv = ReferenceLlama.invFreq(w.spec());
    double[] wavelen = new double[inv.length];
    for (int j = 0; j < inv.length; j++) {
      wavelen[j] = 2 * Math.PI * Math.pow(10000.0, 2.0 * j / 8);
    }
    assertTrue(wavelen[0] < 8 && wavelen[1] > 8 && wavelen[1] < 64 && wavelen[2] > 64, "the bands are not all exercised");
    assertEquals(1.0, inv[0], 0, "the highest frequency is unscaled");
    assertEquals(1.0 / Math.pow(10000.0, 0.5) / 8, inv[2], 1e-15, "a low frequency is divided by the factor");
    checkAgainstReference(w);
  }

  @Test
  void qwen2WithQkvBiasesTiedEmbeddingsOneKvHeadShardedBf16MatchesReference() throws Exception {
    ObjectNode c = TestLlamas.config("qwen2", 4, 1, 40);
    c.put("tie_word_embeddings", true);
    c.put("rope_theta", 1000000.0);
    c.put("use_sliding_window", false);
    c.put("sliding_window", 4);
    TestLlamas.Written w = TestLlamas.write(dir.resolve("qwen"), c, 4, "BF16", 3);
    checkAgainstReference(w);
  }

  @Test
  void mistralWithSlidingWindowHeadDimAndF16MatchesReference() throws Exception {
    ObjectNode c = TestLlamas.config("mistral", 4, 2, 40);
    c.put("head_dim", 6); // not hidden_size / num_attention_heads
    c.put("sliding_window", 5); // shorter than the 12 positions
    TestLlamas.Written w = TestLlamas.write(dir.resolve("mistral"), c, 5, "F16", 2);
    checkAgainstReference(w);
  }

  @Test
  void linearRopeScalingMatchesReference() throws Exception {
    ObjectNode c = TestLlamas.config("llama", 2, 2, 30);
    c.putObject("rope_scaling").put("type", "linear").put("factor", 3.0);
    TestLlamas.Written w = TestLlamas.write(dir.resolve("linear"), c, 6, "F32", 1);
    checkAgainstReference(w);
  }

  @Test
  void stopAfterEndsThePassAndToResidualGivesTheBlockWrite() throws Exception {
    ObjectNode c = TestLlamas.config("qwen2", 4, 2, 40);
    TestLlamas.Written w = TestLlamas.write(dir.resolve("stop"), c, 7, "F32", 1);
    int[] tokens = TestLlamas.tokens(SEQ, 40, 9);
    ReferenceLlama.Trace ref = ReferenceLlama.forward(w.spec(), w.tensors(), tokens);
    ModelWeights weights = Models.load(w.dir());
    try (NDManager root = NDManager.newBaseManager("PyTorch");
        LanguageModel model = weights.newModel(root);
        NDManager batch = root.newSubManager()) {
      int[] two = new int[2 * SEQ];
      System.arraycopy(tokens, 0, two, 0, SEQ);
      System.arraycopy(tokens, 0, two, SEQ, SEQ);
      NDArray ids = batch.create(two, new Shape(2, SEQ));
      for (String name : List.of("blocks.0.attn.hook_z", "blocks.1.mlp.hook_post", "blocks.1.hook_resid_mid")) {
        HookPoint h = HookPoint.parse(name);
        ForwardResult r = model.forward(ids, ForwardOptions.upTo(h));
        assertEquals(Set.of(h), r.hooks().keySet());
        assertNull(r.finalResid());
        assertClose(name, ref.hook(h), r.hook(h).toFloatArray(), 1);
      }
      // Qwen 2's o_proj and down_proj have no bias: the linear map of the hook is exactly the block's write.
      ForwardResult r = model.forward(ids, ForwardOptions.noLogits(allHooks(model.config())));
      for (int l = 0; l < 2; l++) {
        NDArray z = model.toResidual(new HookPoint(l, HookSite.ATTN_Z), r.hook(new HookPoint(l, HookSite.ATTN_Z)));
        assertClose("W_O z", ref.hook(new HookPoint(l, HookSite.ATTN_OUT)), z.toFloatArray(), 0);
        NDArray post = model.toResidual(new HookPoint(l, HookSite.MLP_POST), r.hook(new HookPoint(l, HookSite.MLP_POST)));
        assertClose("W_down post", ref.hook(new HookPoint(l, HookSite.MLP_OUT)), post.toFloatArray(), 0);
        NDArray resid = r.hook(new HookPoint(l, HookSite.RESID_MID));
        assertTrue(resid == model.toResidual(new HookPoint(l, HookSite.RESID_MID), resid), "identity");
      }
      assertEquals(NormKind.RMS_NORM, model.finalNorm().kind());
      assertNull(model.finalNorm().bias());
      assertEquals(1e-5, model.finalNorm().eps(), 0);
    }
  }
}
