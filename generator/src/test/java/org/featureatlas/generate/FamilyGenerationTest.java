package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.featureatlas.cli.Atlas;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Manifest;
import org.featureatlas.io.Npy;
import org.featureatlas.model.HookPoint;
import org.featureatlas.model.HookSite;
import org.featureatlas.model.TestFamilies;
import org.featureatlas.reference.ReferenceGemma2;
import org.featureatlas.reference.ReferenceLlama;
import org.featureatlas.reference.ReferenceNeox;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole atlas of random Gemma 2 and GPT-NeoX checkpoints against {@link ReferenceAtlas} over the float64
 * {@link ReferenceGemma2} / {@link ReferenceNeox}, with the tolerances of {@link GenerationReferenceTest}. GPT-NeoX
 * (LayerNorm) is centred on residual hooks and ablated through its final LayerNorm; Gemma 2 (RMSNorm, never
 * centred) through its final {@code 1 + w} RMSNorm, with and without final-logit soft-capping, and on the hooks
 * before a post-norm through the norm recomputed at each ablated position.
 */
class FamilyGenerationTest {
  static final long SEED = 13;

  @TempDir
  Path dir;

  /** A float64 reference model as the reference atlas's model. */
  interface Forward {
    ReferenceLlama.Trace run(int[] tokens);
  }

  static ReferenceAtlas.Net net(Forward forward, java.util.function.Function<double[], double[]> logitsOf,
      double[] normScale, float[] unembed, Map<String, float[]> t, String downName, String outName, int dModel,
      int dMlp, int vocab) {
    return new ReferenceAtlas.Net() {
      public double[][][] run(int[] seq, HookPoint hook) {
        ReferenceLlama.Trace tr = forward.run(seq);
        return new double[][][] {tr.hook(hook), tr.finalResid(), tr.logits()};
      }

      public double[] logitsOf(double[] resid) {
        return logitsOf.apply(resid);
      }

      public double[] normScale() {
        return normScale;
      }

      public double unembed(int token, int d) {
        return unembed[token * dModel + d];
      }

      public double[][] wDown(HookPoint hook) {
        String name;
        int in;
        if (hook.site() == HookSite.MLP_POST) {
          name = downName.replace("{L}", Integer.toString(hook.layer()));
          in = dMlp;
        } else if (hook.site() == HookSite.ATTN_Z) {
          name = outName.replace("{L}", Integer.toString(hook.layer()));
          in = t.get(name).length / dModel; // n_heads x d_head
        } else {
          return null;
        }
        float[] w = t.get(name); // [dModel, in]
        double[][] out = new double[in][dModel];
        for (int j = 0; j < in; j++) for (int d = 0; d < dModel; d++) out[j][d] = w[d * in + j];
        return out;
      }

      public int dModel() {
        return dModel;
      }

      public int vocab() {
        return vocab;
      }
    };
  }

  /**
   * Gemma 2's float64 net. Before a post-norm ({@code mlp.hook_post}, {@code attn.hook_z}) its {@code W_down} carries
   * the norm's {@code 1 + w} (the logit effects' documented approximation), and the block's write is recomputed
   * exactly: {@code rmsNorm1p(W x + bias)} in float64 from the hook value, so every ablation goes through the norm's
   * data-dependent scale.
   */
  static ReferenceAtlas.Net gemma2Net(ReferenceGemma2.Spec s, Map<String, float[]> t) {
    float[] g = t.get("model.norm.weight");
    double[] scale = new double[g.length];
    for (int d = 0; d < g.length; d++) scale[d] = 1.0 + g[d];
    ReferenceAtlas.Net base = net(tok -> ReferenceGemma2.forward(s, t, tok), r -> ReferenceGemma2.logitsOf(s, t, r),
        scale, t.get(s.tied() ? "model.embed_tokens.weight" : "lm_head.weight"), t,
        "model.layers.{L}.mlp.down_proj.weight", "model.layers.{L}.self_attn.o_proj.weight", s.dModel(), s.dMlp(),
        s.vocab());
    return new ReferenceAtlas.Net() {
      public double[][][] run(int[] seq, HookPoint hook) {
        return base.run(seq, hook);
      }

      public double[] logitsOf(double[] resid) {
        return base.logitsOf(resid);
      }

      public double[] normScale() {
        return base.normScale();
      }

      public double unembed(int token, int d) {
        return base.unembed(token, d);
      }

      public double[][] wDown(HookPoint hook) {
        double[][] down = base.wDown(hook); // [in][dModel]
        if (down == null) return null;
        float[] post = t.get(postNorm(hook));
        for (double[] row : down) for (int d = 0; d < row.length; d++) row[d] *= 1.0 + post[d];
        return down;
      }

      public double[] write(HookPoint hook, double[] value) {
        if (hook.site() != HookSite.MLP_POST && hook.site() != HookSite.ATTN_Z) return null;
        String p = "model.layers." + hook.layer() + (hook.site() == HookSite.MLP_POST ? ".mlp.down_proj" : ".self_attn.o_proj");
        float[] w = t.get(p + ".weight"); // [dModel, in]
        float[] bias = t.get(p + ".bias");
        int in = value.length;
        double[] m = new double[s.dModel()];
        for (int d = 0; d < m.length; d++) {
          double acc = bias == null ? 0 : bias[d];
          for (int j = 0; j < in; j++) acc += w[d * in + j] * value[j];
          m[d] = acc;
        }
        return ReferenceGemma2.rmsNorm1p(m, t.get(postNorm(hook)), s.eps());
      }

      private String postNorm(HookPoint hook) {
        return "model.layers." + hook.layer() + (hook.site() == HookSite.MLP_POST ? ".post_feedforward_layernorm.weight"
            : ".post_attention_layernorm.weight");
      }

      public int dModel() {
        return base.dModel();
      }

      public int vocab() {
        return base.vocab();
      }
    };
  }

  private static int[] tokens(int nSeq, int seqLen, int vocab) {
    Random r = new Random(8);
    int[] ids = new int[nSeq * seqLen];
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(vocab);
    // Without absolute positions, equal prefixes tie exactly: distinct first tokens, each followed by a different one.
    for (int q = 0; q < nSeq; q++) {
      ids[q * seqLen] = q;
      if (ids[q * seqLen + 1] == q) ids[q * seqLen + 1] = q + 20;
    }
    return ids;
  }

  private String generate(Path model, String hookName, int dIn, Architecture arch, int[] ids, int nSeq, int seqLen,
      Path out) throws Exception {
    Path sae = dir.resolve("sae");
    Path saeB = dir.resolve("sae-b");
    TinyInputs.saeWeights(arch, hookName, dIn, 48, 6).save(sae);
    TinyInputs.saeWeights(Architecture.STANDARD, hookName, dIn, 40, 7).save(saeB);
    Path tokens = dir.resolve("tokens.npy");
    Npy.writeInts(tokens, nSeq, seqLen, ids);
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(System.out, true), new PrintWriter(err, true), "generate",
        "--model", model.toString(), "--sae", sae.toString(), "--sae-b", saeB.toString(),
        "--tokens", tokens.toString(), "--out", out.toString(), "--batch-size", "5", "--seed", Long.toString(SEED));
    return rc == 0 ? null : rc + ": " + err;
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "blocks.1.mlp.hook_post, STANDARD",
      "blocks.0.hook_resid_post, JUMPRELU",
      "blocks.1.attn.hook_z, TOPK",
  })
  void neoxEveryFieldMatchesTheReference(String hookName, Architecture arch) throws Exception {
    ObjectNode c = TestFamilies.neox(true, 0.25, 50);
    TestFamilies.Written w = TestFamilies.write(dir.resolve("model"), c, TestFamilies.neoxShapes(c), 5, "F32", 1);
    ReferenceNeox.Spec s = ReferenceNeox.Spec.of(c);
    Map<String, float[]> t = w.tensors();
    HookPoint hook = HookPoint.parse(hookName);
    int dIn = hook.site() == HookSite.MLP_POST ? s.dMlp() : s.dModel();
    int nSeq = 12;
    int seqLen = 16;
    int[] ids = tokens(nSeq, seqLen, 50);
    Path out = dir.resolve("data");
    String failed = generate(w.dir(), hookName, dIn, arch, ids, nSeq, seqLen, out);
    assertEquals(null, failed);
    Manifest manifest = DataDir.readManifest(out);
    boolean centre = hook.writesResidual();
    assertEquals(centre, manifest.settings().get("center_writing_weights"), "LayerNorm models are centred");
    float[] g = t.get("gpt_neox.final_layer_norm.weight");
    double[] scale = new double[g.length];
    for (int d = 0; d < g.length; d++) scale[d] = g[d];
    ReferenceAtlas.Net net = net(tok -> ReferenceNeox.forward(s, t, tok), r -> ReferenceNeox.logitsOf(s, t, r), scale,
        t.get("embed_out.weight"), t, "gpt_neox.layers.{L}.mlp.dense_4h_to_h.weight",
        "gpt_neox.layers.{L}.attention.dense.weight", s.dModel(), s.dMlp(), s.vocab());
    List<FeatureRecord> records = DataDir.readFeatures(out, manifest);
    SaeWeights a = SaeWeights.load(dir.resolve("sae"));
    ReferenceAtlas ref = new ReferenceAtlas(net, a, SaeWeights.load(dir.resolve("sae-b")), ids, nSeq, seqLen, hook,
        centre);
    GenerationReferenceTest.assertMatchesReference(ref, a, records, hook, SEED);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "blocks.1.hook_resid_post, STANDARD",
      "blocks.0.hook_mlp_out, TOPK",
  })
  void gemma2WithoutFinalSoftCapEveryFieldMatchesTheReference(String hookName, Architecture arch) throws Exception {
    ObjectNode c = TestFamilies.gemma2(4, 2, 50);
    c.putNull("final_logit_softcapping");
    c.put("sliding_window", 6); // shorter than the 16 positions
    TestFamilies.Written w = TestFamilies.write(dir.resolve("model"), c, TestFamilies.gemma2Shapes(c), 5, "F32", 1);
    ReferenceGemma2.Spec s = ReferenceGemma2.Spec.of(c);
    Map<String, float[]> t = w.tensors();
    HookPoint hook = HookPoint.parse(hookName);
    int nSeq = 12;
    int seqLen = 16;
    int[] ids = tokens(nSeq, seqLen, 50);
    Path out = dir.resolve("data");
    String failed = generate(w.dir(), hookName, s.dModel(), arch, ids, nSeq, seqLen, out);
    assertEquals(null, failed);
    Manifest manifest = DataDir.readManifest(out);
    assertEquals(false, manifest.settings().get("center_writing_weights"), "RMSNorm models are never centred");
    ReferenceAtlas.Net net = gemma2Net(s, t);
    List<FeatureRecord> records = DataDir.readFeatures(out, manifest);
    SaeWeights a = SaeWeights.load(dir.resolve("sae"));
    ReferenceAtlas ref = new ReferenceAtlas(net, a, SaeWeights.load(dir.resolve("sae-b")), ids, nSeq, seqLen, hook,
        false);
    GenerationReferenceTest.assertMatchesReference(ref, a, records, hook, SEED);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "blocks.1.hook_resid_post, STANDARD",
      "blocks.0.hook_attn_out, JUMPRELU",
  })
  void gemma2WithFinalSoftCapEveryFieldMatchesTheReference(String hookName, Architecture arch) throws Exception {
    ObjectNode c = TestFamilies.gemma2(4, 2, 50); // final_logit_softcapping 3: strongly non-linear
    c.put("sliding_window", 6);
    TestFamilies.Written w = TestFamilies.write(dir.resolve("model"), c, TestFamilies.gemma2Shapes(c), 5, "F32", 1);
    ReferenceGemma2.Spec s = ReferenceGemma2.Spec.of(c);
    assertEquals(3.0, s.finalCap());
    Map<String, float[]> t = w.tensors();
    HookPoint hook = HookPoint.parse(hookName);
    int nSeq = 12;
    int seqLen = 16;
    int[] ids = tokens(nSeq, seqLen, 50);
    Path out = dir.resolve("data");
    String failed = generate(w.dir(), hookName, s.dModel(), arch, ids, nSeq, seqLen, out);
    assertEquals(null, failed);
    Manifest manifest = DataDir.readManifest(out);
    // The reference's logits, before and after each ablation, are soft-capped (ReferenceGemma2.logitsOf).
    ReferenceAtlas.Net net = gemma2Net(s, t);
    List<FeatureRecord> records = DataDir.readFeatures(out, manifest);
    SaeWeights a = SaeWeights.load(dir.resolve("sae"));
    ReferenceAtlas ref = new ReferenceAtlas(net, a, SaeWeights.load(dir.resolve("sae-b")), ids, nSeq, seqLen, hook,
        false);
    GenerationReferenceTest.assertMatchesReference(ref, a, records, hook, SEED);
  }

  /**
   * Hooks before a post-norm: the ablation recomputes the norm's data-dependent scale at the position (feature-math.md
   * section 6), against a reference that recomputes the block's write in float64 from the hook value. Soft-capped
   * and not, with and without {@code o_proj}'s bias; {@code blocks.1} is the last block, where the direct path of
   * {@code mlp.hook_post} is the whole effect ({@link #gemma2DirectPathOfTheLastMlpIsTheWholeForward}).
   */
  @ParameterizedTest(name = "{0} {1} cap {2} bias {3}")
  @CsvSource({
      "blocks.1.mlp.hook_post, STANDARD, true, false",
      "blocks.1.attn.hook_z, TOPK, true, true",
      "blocks.0.mlp.hook_post, JUMPRELU, false, false",
      "blocks.0.attn.hook_z, STANDARD, false, true",
  })
  void gemma2HooksBeforeAPostNormEveryFieldMatchesTheReference(String hookName, Architecture arch, boolean cap,
      boolean bias) throws Exception {
    ObjectNode c = TestFamilies.gemma2(4, 2, 50);
    if (!cap) c.putNull("final_logit_softcapping");
    c.put("attention_bias", bias);
    c.put("sliding_window", 6);
    TestFamilies.Written w = TestFamilies.write(dir.resolve("model"), c, TestFamilies.gemma2Shapes(c), 5, "F32", 1);
    ReferenceGemma2.Spec s = ReferenceGemma2.Spec.of(c);
    Map<String, float[]> t = w.tensors();
    assertEquals(bias, t.containsKey("model.layers.0.self_attn.o_proj.bias"));
    HookPoint hook = HookPoint.parse(hookName);
    int dIn = hook.site() == HookSite.MLP_POST ? s.dMlp() : s.nHead() * s.dHead();
    int nSeq = 12;
    int seqLen = 16;
    int[] ids = tokens(nSeq, seqLen, 50);
    Path out = dir.resolve("data");
    String failed = generate(w.dir(), hookName, dIn, arch, ids, nSeq, seqLen, out);
    assertEquals(null, failed, "generation on a hook before a post-norm is no longer refused");
    Manifest manifest = DataDir.readManifest(out);
    assertEquals(false, manifest.settings().get("center_writing_weights"), "RMSNorm models are never centred");
    List<FeatureRecord> records = DataDir.readFeatures(out, manifest);
    SaeWeights a = SaeWeights.load(dir.resolve("sae"));
    ReferenceAtlas ref = new ReferenceAtlas(gemma2Net(s, t), a, SaeWeights.load(dir.resolve("sae-b")), ids, nSeq,
        seqLen, hook, false);
    GenerationReferenceTest.assertMatchesReference(ref, a, records, hook, SEED);
  }

  /**
   * The reference's ablation before a post-norm is the model's own: for {@code mlp.hook_post} of the last block, the
   * float64 forward pass with the hook value changed at one position gives the logits of the direct path through
   * the recomputed norm ({@code resid - write(x) + write(x')}), while the linear direct path that leaves the norm's
   * scale out ({@code resid + delta W_down (1 + w)}) misses them by far: so the reference test above fails without
   * the scale.
   */
  @Test
  void gemma2DirectPathOfTheLastMlpIsTheWholeForward() throws Exception {
    ObjectNode c = TestFamilies.gemma2(4, 2, 50);
    TestFamilies.Written w = TestFamilies.write(dir.resolve("model"), c, TestFamilies.gemma2Shapes(c), 5, "F32", 1);
    ReferenceGemma2.Spec s = ReferenceGemma2.Spec.of(c);
    Map<String, float[]> t = w.tensors();
    ReferenceAtlas.Net net = gemma2Net(s, t);
    HookPoint hook = new HookPoint(s.nLayer() - 1, HookSite.MLP_POST);
    int[] seq = tokens(1, 16, 50);
    ReferenceLlama.Trace clean = ReferenceGemma2.forward(s, t, seq);
    double[][] down = net.wDown(hook); // [dMlp][dModel], the post-norm's 1 + w folded in
    Random r = new Random(3);
    double linearMiss = 0;
    for (int pos : new int[] {0, 7, 15}) {
      double[] x = clean.hook(hook)[pos];
      double[] delta = new double[x.length];
      for (int j = 0; j < delta.length; j++) delta[j] = 0.3 * r.nextGaussian();
      ReferenceLlama.Trace changed = ReferenceGemma2.forward(s, t, seq, hook, pos, delta);
      double[] moved = x.clone();
      for (int j = 0; j < x.length; j++) moved[j] += delta[j];
      double[] before = net.write(hook, x);
      double[] after = net.write(hook, moved);
      double[] resid = clean.finalResid()[pos].clone();
      double[] linear = clean.finalResid()[pos].clone();
      for (int d = 0; d < resid.length; d++) {
        resid[d] += after[d] - before[d];
        for (int j = 0; j < x.length; j++) linear[d] += delta[j] * down[j][d];
      }
      double[] direct = net.logitsOf(resid);
      double[] linearLogits = net.logitsOf(linear);
      for (int v = 0; v < direct.length; v++) {
        assertEquals(changed.logits()[pos][v], direct[v], 1e-9, "pos " + pos + " token " + v);
        linearMiss = Math.max(linearMiss, Math.abs(changed.logits()[pos][v] - linearLogits[v]));
      }
      if (pos > 0) {
        assertArrayEquals(clean.logits()[pos - 1], changed.logits()[pos - 1], "earlier positions are unchanged");
      }
    }
    assertTrue(linearMiss > 1e-2, "leaving the post-norm's scale out would go unnoticed: " + linearMiss);
  }
}
