package org.featureatlas.train;

import java.util.Random;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.model.Gpt2Config;

/** Small learnable token data for training tests: each token mostly follows from the previous one. */
final class TinyData {
  private TinyData() {}

  static Gpt2Config config() {
    return new Gpt2Config(1, 2, 16, 8, 24, 32, 1e-5, "gelu_new");
  }

  /** Sequences where token t+1 = (3 t + 1) mod vocab, with a random token one time in ten. */
  static TokenDataset sequences(int count, int length, int vocab, long seed) {
    Random r = new Random(seed);
    int[] ids = new int[count * length];
    for (int s = 0; s < count; s++) {
      int t = r.nextInt(vocab);
      for (int p = 0; p < length; p++) {
        ids[s * length + p] = t;
        t = r.nextInt(10) == 0 ? r.nextInt(vocab) : (3 * t + 1) % vocab;
      }
    }
    return new TokenDataset(count, length, ids);
  }
}
