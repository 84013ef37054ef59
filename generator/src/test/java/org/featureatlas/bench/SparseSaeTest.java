package org.featureatlas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeConfig;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.Test;

class SparseSaeTest {
  @Test
  void targetRatesAddUpToL0WithinAFactorOfFive() {
    double[] rates = SparseSae.targetRates(24576, 60, 7);
    assertEquals(60, Arrays.stream(rates).sum(), 1e-9);
    double min = Arrays.stream(rates).min().orElseThrow();
    double max = Arrays.stream(rates).max().orElseThrow();
    assertTrue(max / min <= SparseSae.RATE_SPREAD && max / min > 4.9, "spread " + max / min);
    // 0.1% to 0.5% of positions at GPT-2-small's SAE size.
    assertTrue(min > 0.0009 && max < 0.0051, min + " " + max);
    assertTrue(Arrays.equals(rates, SparseSae.targetRates(24576, 60, 7)));
  }

  @Test
  void calibratedThresholdsGiveTheTargetL0OnTheSample() {
    int dIn = 16;
    int dSae = 256;
    int n = 4000;
    SaeConfig cfg = new SaeConfig(Architecture.STANDARD, dIn, dSae, "blocks.0.hook_resid_post", true, 0, null, "t");
    SaeWeights base = SaeWeights.random(cfg, 3, 1.0);
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[n * dIn];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    double l0 = 1;
    SaeWeights sae = SparseSae.calibrate(base, x, n, l0, 9);
    assertEquals(Architecture.JUMPRELU, sae.config().architecture());
    double[] rates = SparseSae.targetRates(dSae, l0, 9);
    float[] w = base.wEnc().data();
    float[] b = sae.bEnc().data();
    float[] bDec = base.bDec().data();
    float[] th = sae.threshold().data();
    long fired = 0;
    for (int f = 0; f < dSae; f++) {
      int count = 0;
      for (int i = 0; i < n; i++) {
        double pre = b[f];
        for (int j = 0; j < dIn; j++) {
          pre += (x[i * dIn + j] - bDec[j]) * (double) w[j * dSae + f];
        }
        if (pre > th[f]) count++;
      }
      // The threshold lies between the rank-th and the next largest value: rank values lie above it.
      assertTrue(th[f] >= (float) SparseSae.MIN_THRESHOLD, "feature " + f);
      assertEquals(SparseSae.rank(rates[f], n), count, "feature " + f);
      fired += count;
    }
    assertEquals(l0, fired / (double) n, 0.05);
  }
}
