package org.featureatlas.model;

import java.util.Random;
import org.featureatlas.io.HostTensor;

/** Small random GPT-2s whose activations are large enough to exercise every part of the pass. */
final class TestModels {
  private TestModels() {}

  static Gpt2Config smallConfig() {
    return new Gpt2Config(2, 4, 32, 16, 50, 80, 1e-5, "gelu_new");
  }

  /** Random weights scaled up (std 0.2) with non-trivial LayerNorm parameters. */
  static Gpt2Weights spicy(Gpt2Config config, long seed) {
    Gpt2Weights w = Gpt2Weights.random(config, seed);
    Random r = new Random(seed + 7);
    for (var e : w.all().entrySet()) {
      HostTensor t = e.getValue();
      boolean ln = e.getKey().contains("ln_");
      for (int i = 0; i < t.data().length; i++) {
        if (ln && e.getKey().endsWith(".weight")) {
          t.data()[i] = (float) (1 + 0.3 * r.nextGaussian());
        } else if (ln) {
          t.data()[i] = (float) (0.1 * r.nextGaussian());
        } else {
          t.data()[i] *= 10;
        }
      }
    }
    return w;
  }

  static int[] tokens(int n, int vocab, long seed) {
    Random r = new Random(seed);
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(vocab);
    }
    return t;
  }
}
