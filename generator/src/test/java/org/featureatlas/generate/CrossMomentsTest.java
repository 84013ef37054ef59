package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CrossMomentsTest {

  @Test
  void pendingBatchesAddUpToTheDirectSums() {
    int dSae = 7;
    int dUnits = 5;
    int rows = 6;
    int batches = 2 * CrossMoments.PENDING + 3; // two full flushes and a partial one
    SplittableRandom r = new SplittableRandom(9);
    CrossMoments cm = new CrossMoments(dSae, dUnits);
    double[] want = new double[dSae * dUnits];
    for (int b = 0; b < batches; b++) {
      float[] x = new float[rows * dUnits];
      float[] f = new float[rows * dSae];
      for (int k = 0; k < x.length; k++) x[k] = (float) r.nextGaussian();
      for (int k = 0; k < f.length; k++) f[k] = r.nextInt(3) == 0 ? (float) r.nextDouble() : 0f;
      cm.addDense(x, rows, SparseBatch.fromDense(f, rows, dSae));
      for (int row = 0; row < rows; row++) {
        for (int i = 0; i < dSae; i++) {
          for (int j = 0; j < dUnits; j++) want[i * dUnits + j] += (double) f[row * dSae + i] * x[row * dUnits + j];
        }
      }
    }
    double[] got = cm.sums();
    for (int k = 0; k < want.length; k++) assertEquals(want[k], got[k], 1e-12 * (1 + Math.abs(want[k])), "cell " + k);
    assertEquals((long) rows * batches, cm.positions);
  }
}
