package org.featureatlas.generate;

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
 * centred) through its final {@code 1 + w} RMSNorm, with and without final-logit soft-capping (generation
 * refuses hooks before a post-norm).
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
          in = dModel;
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
    float[] g = t.get("model.norm.weight");
    double[] scale = new double[g.length];
    for (int d = 0; d < g.length; d++) scale[d] = 1.0 + g[d];
    ReferenceAtlas.Net net = net(tok -> ReferenceGemma2.forward(s, t, tok), r -> ReferenceGemma2.logitsOf(s, t, r),
        scale, t.get("model.embed_tokens.weight"), t, null, null, s.dModel(), s.dMlp(), s.vocab());
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
    float[] g = t.get("model.norm.weight");
    double[] scale = new double[g.length];
    for (int d = 0; d < g.length; d++) scale[d] = 1.0 + g[d];
    // The reference's logits, before and after each ablation, are soft-capped (ReferenceGemma2.logitsOf).
    ReferenceAtlas.Net net = net(tok -> ReferenceGemma2.forward(s, t, tok), r -> ReferenceGemma2.logitsOf(s, t, r),
        scale, t.get("model.embed_tokens.weight"), t, null, null, s.dModel(), s.dMlp(), s.vocab());
    List<FeatureRecord> records = DataDir.readFeatures(out, manifest);
    SaeWeights a = SaeWeights.load(dir.resolve("sae"));
    ReferenceAtlas ref = new ReferenceAtlas(net, a, SaeWeights.load(dir.resolve("sae-b")), ids, nSeq, seqLen, hook,
        false);
    GenerationReferenceTest.assertMatchesReference(ref, a, records, hook, SEED);
  }

  @Test
  void gemma2HookBeforeAPostNormIsRefusedInOneLine() throws Exception {
    ObjectNode c = TestFamilies.gemma2(4, 2, 50);
    TestFamilies.Written w = TestFamilies.write(dir.resolve("model"), c, TestFamilies.gemma2Shapes(c), 5, "F32", 1);
    String failed = generate(w.dir(), "blocks.1.mlp.hook_post", 48, Architecture.STANDARD, tokens(2, 8, 50), 2, 8,
        dir.resolve("data"));
    assertTrue(failed.startsWith("2: atlas: error: " + w.dir().resolve("config.json")
        + ": hook blocks.1.mlp.hook_post is not supported by generation for gemma2"), failed);
    assertEquals(1, failed.strip().lines().count(), failed);
  }
}
