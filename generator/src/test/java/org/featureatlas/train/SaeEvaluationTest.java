package org.featureatlas.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Random;
import org.featureatlas.io.HostTensor;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeConfig;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.Test;

class SaeEvaluationTest {
  @Test
  void matchesTopKWrittenOutInDoublePrecision() {
    int dIn = 6;
    int dSae = 10;
    int k = 3;
    int rows = 50;
    SaeConfig cfg = new SaeConfig(Architecture.TOPK, dIn, dSae, "blocks.0.mlp.hook_post", true, k, false, "t");
    Random r = new Random(11);
    float[] wEnc = gaussian(r, dIn * dSae, 0.7);
    float[] bEnc = gaussian(r, dSae, 0.3);
    float[] wDec = gaussian(r, dSae * dIn, 0.5);
    float[] bDec = gaussian(r, dIn, 0.2);
    // Feature 9 can never fire: a huge negative bias.
    bEnc[9] = -1000f;
    SaeWeights sae = new SaeWeights(cfg, HostTensor.of(wEnc, dIn, dSae), HostTensor.of(bEnc, dSae),
        HostTensor.of(wDec, dSae, dIn), HostTensor.of(bDec, dIn), null);
    float[] x = gaussian(r, rows * dIn, 1.0);
    HookActivations acts = new HookActivations(rows, dIn, x);

    double[] mean = new double[dIn];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dIn; j++) {
        mean[j] += x[i * dIn + j] / (double) rows;
      }
    }
    double err = 0;
    double tot = 0;
    long l0 = 0;
    boolean[] fired = new boolean[dSae];
    for (int i = 0; i < rows; i++) {
      double[] pre = new double[dSae];
      for (int f = 0; f < dSae; f++) {
        pre[f] = bEnc[f];
        for (int j = 0; j < dIn; j++) {
          pre[f] += (x[i * dIn + j] - bDec[j]) * wEnc[j * dSae + f];
        }
      }
      double[] sorted = pre.clone();
      Arrays.sort(sorted);
      double kth = sorted[dSae - k];
      double[] hat = new double[dIn];
      for (int j = 0; j < dIn; j++) {
        hat[j] = bDec[j];
      }
      for (int f = 0; f < dSae; f++) {
        double act = pre[f] >= kth && pre[f] > 0 ? pre[f] : 0;
        if (act > 0) {
          l0++;
          fired[f] = true;
          for (int j = 0; j < dIn; j++) {
            hat[j] += act * wDec[f * dIn + j];
          }
        }
      }
      for (int j = 0; j < dIn; j++) {
        err += Math.pow(x[i * dIn + j] - hat[j], 2);
        tot += Math.pow(x[i * dIn + j] - mean[j], 2);
      }
    }
    int dead = 0;
    for (boolean b : fired) {
      dead += b ? 0 : 1;
    }
    try (NDManager m = NDManager.newBaseManager()) {
      SaeMetrics got = SaeEvaluation.evaluate(sae, acts, m);
      assertEquals(1 - err / tot, got.fractionVarianceExplained(), 1e-5);
      assertEquals((double) l0 / rows, got.meanL0(), 1e-12);
      assertEquals(dead, got.deadFeatures());
      assertEquals(rows, got.positions());
    }
    assertEquals(true, dead >= 1);
  }

  private static float[] gaussian(Random r, int n, double std) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (std * r.nextGaussian());
    }
    return v;
  }
}
