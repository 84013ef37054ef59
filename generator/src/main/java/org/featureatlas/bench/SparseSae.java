package org.featureatlas.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.featureatlas.check.Check;
import org.featureatlas.io.HostTensor;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeConfig;
import org.featureatlas.sae.SaeWeights;

/**
 * A synthetic JumpReLU SAE with a chosen L0, the way published SAEs at that L0 are built: random
 * encoder and decoder weights, and one threshold per feature set from the feature's pre-activations on
 * a held-out sample of the model's activations. Feature {@code f} gets a target firing rate
 * {@code rate[f]}, log-uniform over a factor of five and scaled so that the rates add up to the L0
 * (at 24,576 features and L0 60: 0.1% to 0.5% of positions); its threshold is the
 * midpoint between the {@code k}-th and {@code (k+1)}-th largest of its {@code n} sampled
 * pre-activations, {@code k = round(n * rate[f])}, so that exactly {@code k} sampled positions fire.
 * Everything is
 * deterministic for a given seed and sample.
 */
final class SparseSae {
  /** Highest / lowest target firing rate. */
  static final double RATE_SPREAD = 5.0;
  /** The lowest threshold; pre-activations have a scale of about 1 (see SaeWeights#random). */
  static final double MIN_THRESHOLD = 0.1;
  private static final int BLOCK_ELEMENTS = 1 << 25;

  private SparseSae() {}

  /**
   * Target firing rates, one per feature: log-uniform over a factor of {@link #RATE_SPREAD}, scaled so
   * they add up to {@code l0}.
   */
  static double[] targetRates(int dSae, double l0, long seed) {
    Check.that(dSae > 0 && l0 > 0 && l0 <= dSae / RATE_SPREAD, "L0 must be in (0, d_sae / " + RATE_SPREAD + "], got " + l0);
    SplittableRandom r = new SplittableRandom(seed);
    double[] rates = new double[dSae];
    double sum = 0;
    for (int f = 0; f < dSae; f++) {
      rates[f] = Math.exp(Math.log(RATE_SPREAD) * r.nextDouble());
      sum += rates[f];
    }
    for (int f = 0; f < dSae; f++) {
      rates[f] *= l0 / sum;
    }
    return rates;
  }

  /** How many of {@code n} sampled positions fire for a feature of firing rate {@code rate} (1..n-1). */
  static int rank(double rate, int n) {
    return (int) Math.max(1, Math.min(n - 1, Math.round(rate * n)));
  }

  /**
   * A JumpReLU SAE: the weights of {@code base} (a random SAE sized for the hook's scale) and
   * thresholds calibrated on {@code sample [n, dIn]} (hook values, centred as generation centres them).
   */
  static SaeWeights calibrate(SaeWeights base, float[] sample, int n, double l0, long seed) {
    SaeConfig c = base.config();
    int dIn = c.dIn();
    int dSae = c.dSae();
    Check.that(n >= 2 && sample.length == (long) n * dIn, "calibration sample must be [" + n + ", " + dIn + "]");
    double[] rates = targetRates(dSae, l0, seed);
    int maxRank = 1;
    for (double rate : rates) {
      maxRank = Math.max(maxRank, rank(rate, n) + 1);
    }
    float[] th = new float[dSae];
    float[] bias = base.bEnc().data().clone();
    int block = Math.max(1, Math.min(dSae, BLOCK_ELEMENTS / n));
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(sample, new Shape(n, dIn)); // [n, dIn]
      if (c.applyBDecToInput()) {
        x = x.sub(m.create(base.bDec().data(), new Shape(dIn))); // [n, dIn]
      }
      NDArray wEnc = m.create(base.wEnc().data(), new Shape(dIn, dSae)); // [dIn, dSae]
      NDArray bEnc = m.create(base.bEnc().data(), new Shape(dSae)); // [dSae]
      for (int first = 0; first < dSae; first += block) {
        int b = Math.min(block, dSae - first);
        try (NDManager bm = m.newSubManager()) {
          NDArray w = wEnc.get(":, " + first + ":" + (first + b)); // [dIn, b]
          w.attach(bm);
          NDArray pre = x.matMul(w).add(bEnc.get(first + ":" + (first + b))); // [n, b]
          pre.attach(bm);
          NDArray top = pre.topK(maxRank, 0, true, true).get(0); // [maxRank, b], largest first
          top.attach(bm);
          float[] t = top.toFloatArray();
          for (int j = 0; j < b; j++) {
            int k = rank(rates[first + j], n);
            double mid = 0.5 * ((double) t[(k - 1) * b + j] + t[k * b + j]);
            // Thresholds are positive, as in published JumpReLU SAEs: a lower one moves up with the
            // bias, which keeps the same positions firing.
            if (mid < MIN_THRESHOLD) {
              bias[first + j] += (float) (MIN_THRESHOLD - mid);
              mid = MIN_THRESHOLD;
            }
            th[first + j] = (float) mid;
          }
        }
      }
    }
    SaeConfig jc = new SaeConfig(Architecture.JUMPRELU, dIn, dSae, c.hookName(), c.applyBDecToInput(), 0,
        c.centerWritingWeights(), c.modelName());
    return new SaeWeights(jc, base.wEnc(), HostTensor.of(bias, dSae), base.wDec(), base.bDec(), HostTensor.of(th, dSae));
  }
}
