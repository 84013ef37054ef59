package org.featureatlas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Random;
import org.featureatlas.model.HookPoint;
import org.featureatlas.model.Models;
import org.featureatlas.model.TestFamilies;
import org.featureatlas.reference.ReferenceGemma2;
import org.featureatlas.reference.ReferenceLlama;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FamilyBench's SAE on a toy Gemma 2 (its code path, not the benchmark): the hook sample is the model's hook value
 * (checked against the float64 {@link ReferenceGemma2}), and an SAE scaled to its root mean square fires on a few
 * percent of the features, counted independently in float64.
 */
class FamilyBenchTest {
  @TempDir
  Path dir;

  @Test
  void theSaeScaledToTheMeasuredHookFiresOnAFewPercent() throws Exception {
    ObjectNode c = TestFamilies.gemma2(4, 2, 50);
    TestFamilies.Written w = TestFamilies.write(dir.resolve("g"), c, TestFamilies.gemma2Shapes(c), 3, "F32", 1);
    ReferenceGemma2.Spec spec = ReferenceGemma2.Spec.of(c);
    HookPoint hook = HookPoint.parse("blocks.1.hook_resid_post");
    int seqLen = 16;
    Random r = new Random(5);
    int[] ids = new int[2 * seqLen];
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(50);
    float[] x = FamilyBench.hookSample(Models.load(w.dir()), hook, ids, seqLen);
    int d = spec.dModel();
    assertEquals(ids.length * d, x.length);
    double ss = 0;
    for (int s = 0; s < 2; s++) {
      ReferenceLlama.Trace tr = ReferenceGemma2.forward(spec, w.tensors(), java.util.Arrays.copyOfRange(ids, s * seqLen, (s + 1) * seqLen));
      for (int t = 0; t < seqLen; t++) {
        for (int j = 0; j < d; j++) {
          double want = tr.hook(hook)[t][j];
          assertEquals(want, x[(s * seqLen + t) * d + j], 1e-4 * Math.max(1, Math.abs(want)));
          ss += want * want;
        }
      }
    }
    double rms = FamilyBench.rms(x);
    assertEquals(Math.sqrt(ss / x.length), rms, 1e-4 * rms);

    int features = 512;
    SaeWeights sae = FamilyBench.scaledSae(d, features, hook.toString(), rms);
    double fraction = FamilyBench.firingFraction(sae, x);
    // The same count in float64 from the weights.
    long fired = 0;
    int n = x.length / d;
    for (int p = 0; p < n; p++) {
      for (int i = 0; i < features; i++) {
        double pre = sae.bEnc().data()[i];
        for (int j = 0; j < d; j++) pre += (x[p * d + j] - sae.bDec().data()[j]) * (double) sae.wEnc().data()[j * features + i];
        if (pre > 0) fired++;
      }
    }
    assertEquals(fired / ((double) n * features), fraction, 2.0 / ((double) n * features), "fired " + fired);
    assertTrue(fraction > 0.005 && fraction < 0.1, "a few percent fire: " + fraction);
  }
}
