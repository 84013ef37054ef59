package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.featureatlas.model.TestLlamas;
import org.featureatlas.reference.ReferenceLlama;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole atlas of a random Llama checkpoint (grouped-query attention, untied lm_head, final RMSNorm) against
 * {@link ReferenceAtlas} over the float64 {@link ReferenceLlama}: no centring (RMSNorm model), and every
 * ablation through the real final RMSNorm, with the tolerances of {@link GenerationReferenceTest}.
 */
class LlamaGenerationTest {
  static final long SEED = 11;

  @TempDir
  Path dir;

  /** {@link ReferenceLlama} as the reference atlas's model. */
  static ReferenceAtlas.Net net(TestLlamas.Written w) {
    ReferenceLlama.Spec s = w.spec();
    Map<String, float[]> t = w.tensors();
    return new ReferenceAtlas.Net() {
      public double[][][] run(int[] seq, HookPoint hook) {
        ReferenceLlama.Trace tr = ReferenceLlama.forward(s, t, seq);
        return new double[][][] {tr.hook(hook), tr.finalResid(), tr.logits()};
      }

      public double[] logitsOf(double[] resid) {
        return ReferenceLlama.logitsOf(s, t, resid);
      }

      public double[] normScale() {
        float[] g = t.get("model.norm.weight");
        double[] out = new double[g.length];
        for (int d = 0; d < g.length; d++) out[d] = g[d];
        return out;
      }

      public double unembed(int token, int d) {
        return (s.tied() ? t.get("model.embed_tokens.weight") : t.get("lm_head.weight"))[token * s.dModel() + d];
      }

      public double[][] wDown(HookPoint hook) {
        String name;
        int in;
        if (hook.site() == HookSite.MLP_POST) {
          name = "model.layers." + hook.layer() + ".mlp.down_proj.weight";
          in = s.dMlp();
        } else if (hook.site() == HookSite.ATTN_Z) {
          name = "model.layers." + hook.layer() + ".self_attn.o_proj.weight";
          in = s.nHead() * s.dHead();
        } else {
          return null;
        }
        float[] w = t.get(name); // [dModel, in]
        double[][] out = new double[in][s.dModel()];
        for (int j = 0; j < in; j++) for (int d = 0; d < s.dModel(); d++) out[j][d] = w[d * in + j];
        return out;
      }

      public int dModel() {
        return s.dModel();
      }

      public int vocab() {
        return s.vocab();
      }
    };
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "blocks.1.mlp.hook_post, STANDARD",
      "blocks.1.hook_resid_post, JUMPRELU",
      "blocks.0.attn.hook_z, TOPK",
  })
  void everyFieldMatchesTheReference(String hookName, Architecture arch) throws Exception {
    ObjectNode c = TestLlamas.config("llama", 4, 2, 50);
    TestLlamas.Written w = TestLlamas.write(dir.resolve("model"), c, 5, "F32", 1);
    HookPoint hook = HookPoint.parse(hookName);
    int dIn = switch (hook.site()) {
      case MLP_POST -> w.spec().dMlp();
      case ATTN_Z -> w.spec().nHead() * w.spec().dHead();
      default -> w.spec().dModel();
    };
    Path sae = dir.resolve("sae");
    Path saeB = dir.resolve("sae-b");
    TinyInputs.saeWeights(arch, hookName, dIn, 48, 6).save(sae);
    TinyInputs.saeWeights(Architecture.STANDARD, hookName, dIn, 40, 7).save(saeB);
    int nSeq = 12;
    int seqLen = 16;
    Random r = new Random(8);
    int[] ids = new int[nSeq * seqLen];
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(50);
    // Without absolute positions, equal prefixes give exactly tied activations (the same first token in two
    // sequences, or a first token repeated at position 1), whose order float32 rounding would decide: the
    // sequences start with distinct tokens, each followed by a different one.
    for (int q = 0; q < nSeq; q++) {
      ids[q * seqLen] = q;
      if (ids[q * seqLen + 1] == q) ids[q * seqLen + 1] = q + 20;
    }
    Path tokens = dir.resolve("tokens.npy");
    Npy.writeInts(tokens, nSeq, seqLen, ids);
    Path out = dir.resolve("data");
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(System.out, true), new PrintWriter(err, true), "generate",
        "--model", w.dir().toString(), "--sae", sae.toString(), "--sae-b", saeB.toString(),
        "--tokens", tokens.toString(), "--out", out.toString(), "--batch-size", "5", "--seed", Long.toString(SEED));
    assertEquals(0, rc, err.toString());
    Manifest manifest = DataDir.readManifest(out);
    assertEquals(false, manifest.settings().get("center_writing_weights"), "RMSNorm models are never centred");
    List<FeatureRecord> records = DataDir.readFeatures(out, manifest);
    SaeWeights a = SaeWeights.load(sae);
    ReferenceAtlas ref = new ReferenceAtlas(net(w), a, SaeWeights.load(saeB), ids, nSeq, seqLen, hook, false);
    GenerationReferenceTest.assertMatchesReference(ref, a, records, hook, SEED);
  }
}
