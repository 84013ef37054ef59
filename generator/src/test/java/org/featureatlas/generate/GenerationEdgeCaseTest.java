package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.cli.Atlas;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Interval;
import org.featureatlas.data.Manifest;
import org.featureatlas.data.UnitScore;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.model.HookPoint;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dead features, a feature active on one token, constant neurons and windows at sequence edges. */
class GenerationEdgeCaseTest {
  static final int CONSTANT_NEURON = 0;

  @TempDir
  Path dir;

  @Test
  void edgeCasesHaveDefinedOutput() throws Exception {
    String hook = "blocks.1.mlp.hook_post";
    TinyInputs in = new TinyInputs(dir, hook, Architecture.STANDARD, 12, 16, 9);
    // Neuron 0 of layer 1 becomes constant: its input weights are zero, its bias fixed.
    // Gpt2Weights.load reads values on demand: take them all once, change them, and save that copy.
    Gpt2Weights loaded = Gpt2Weights.load(in.model);
    Gpt2Weights w = Gpt2Weights.of(loaded.config(), new java.util.TreeMap<>(loaded.all()));
    int dMlp = w.config().dMlp();
    float[] fc = w.get("h.1.mlp.c_fc.weight").data();
    for (int d = 0; d < w.config().nEmbd(); d++) fc[d * dMlp + CONSTANT_NEURON] = 0f;
    w.get("h.1.mlp.c_fc.bias").data()[CONSTANT_NEURON] = 0.5f;
    w.save(in.model, false);
    // Feature 0 fires on exactly one position; feature 1 never fires.
    SaeWeights sae = SaeWeights.load(in.sae);
    ReferenceAtlas ref = new ReferenceAtlas(w, sae, null, in.ids, in.nSeq, in.seqLen, HookPoint.parse(hook), false);
    double best = Double.NEGATIVE_INFINITY;
    double second = Double.NEGATIVE_INFINITY;
    int dSae = sae.config().dSae();
    int dIn = sae.config().dIn();
    for (int p = 0; p < ref.n; p++) {
      double s = sae.bEnc().data()[0];
      for (int j = 0; j < dIn; j++) s += (ref.x[p][j] - sae.bDec().data()[j]) * sae.wEnc().data()[j * dSae];
      if (s > best) {
        second = best;
        best = s;
      } else if (s > second) {
        second = s;
      }
    }
    assertTrue(best - second > 1e-3, "fixture: no clear maximum");
    sae.bEnc().data()[0] -= (float) ((best + second) / 2);
    sae.bEnc().data()[1] = -1e6f;
    sae.save(in.sae);

    Path out = dir.resolve("data");
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "generate",
        "--model", in.model.toString(), "--sae", in.sae.toString(), "--sae-b", in.saeB.toString(),
        "--tokens", in.tokens.toString(), "--out", out.toString(), "--batch-size", "4");
    assertEquals(0, rc, err.toString());
    Manifest m = DataDir.readManifest(out);
    List<FeatureRecord> records = DataDir.readFeatures(out, m);
    int n = in.nSeq * in.seqLen;

    FeatureRecord once = records.get(0);
    assertEquals(1.0 / n, once.density(), 1e-6 / n);
    assertEquals(once.maxAct(), once.meanAct(), 1e-6 * once.maxAct());
    assertEquals(1, once.topExamples().size());
    assertEquals(1L, once.actHistogram().counts().stream().mapToLong(Long::longValue).sum());
    assertEquals(1L, once.actHistogram().counts().get(20), "a single value sits in the middle bin");
    assertEquals(10, once.intervals().size());
    Interval last = once.intervals().get(9);
    assertEquals(1, last.examples().size());
    assertEquals(1.0 / n, last.fraction(), 1e-6 / n);
    for (int j = 0; j < 9; j++) assertTrue(once.intervals().get(j).examples().isEmpty());
    assertEquals(3, once.correlatedNeurons().size(), "a one-token feature still has a variance");

    FeatureRecord dead = records.get(1);
    assertEquals(0.0, dead.density());
    assertEquals(0.0, dead.maxAct());
    assertEquals(0.0, dead.meanAct());
    assertTrue(dead.actHistogram().edges().isEmpty() && dead.actHistogram().counts().isEmpty());
    assertTrue(dead.topExamples().isEmpty());
    assertTrue(dead.intervals().isEmpty());
    assertTrue(dead.correlatedNeurons().isEmpty(), "zero variance: no correlation");
    assertTrue(dead.correlatedFeaturesB().isEmpty(), "zero variance: no correlation");

    boolean sawStart = false;
    boolean sawEnd = false;
    for (FeatureRecord r : records) {
      for (UnitScore u : r.correlatedNeurons()) {
        assertFalse(u.unit() == CONSTANT_NEURON, "feature " + r.index() + " correlates with a constant neuron");
        assertTrue(Double.isFinite(u.a()) && Double.isFinite(u.b()));
      }
      List<Example> all = new ArrayList<>(r.topExamples());
      r.intervals().forEach(i -> all.addAll(i.examples()));
      for (Example e : all) {
        int start = Math.max(0, e.pos() - 5);
        int end = Math.min(in.seqLen - 1, e.pos() + 5);
        assertEquals(start, e.start());
        assertEquals(end - start + 1, e.tokens().size());
        assertEquals(e.tokens().size(), e.acts().size());
        for (int k = 0; k < e.tokens().size(); k++) {
          if (start + k == 0) assertNull(e.lossEffect().get(k));
          else assertTrue(Double.isFinite(e.lossEffect().get(k)));
          assertEquals(e.acts().get(k) > 0, !e.topLogprob().get(k).isEmpty(), "hover only where active");
        }
        sawStart |= e.pos() == 0;
        sawEnd |= e.pos() == in.seqLen - 1;
      }
    }
    assertTrue(sawStart && sawEnd, "fixture should hold examples at both sequence edges");
  }
}
