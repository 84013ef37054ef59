package org.featureatlas.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NextTokenLossTest {
  @Test
  void perPositionIsCrossEntropyOfTheNextToken() {
    int b = 2;
    int t = 4;
    int v = 5;
    Random r = new Random(3);
    float[] logits = new float[b * t * v];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (3 * r.nextGaussian());
    }
    int[] tokens = {1, 4, 0, 2, 3, 3, 1, 0};
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray loss = NextTokenLoss.perPosition(m.create(logits, new Shape(b, t, v)), m.create(tokens, new Shape(b, t)));
      assertEquals(new Shape(b, t - 1), loss.getShape());
      float[] got = loss.toFloatArray();
      double total = 0;
      for (int s = 0; s < b; s++) {
        for (int q = 0; q + 1 < t; q++) {
          double z = 0;
          for (int k = 0; k < v; k++) {
            z += Math.exp(logits[(s * t + q) * v + k]);
          }
          double expected = Math.log(z) - logits[(s * t + q) * v + tokens[s * t + q + 1]];
          assertEquals(expected, got[s * (t - 1) + q], 1e-5);
          total += expected;
        }
      }
      assertEquals(total / (b * (t - 1)), NextTokenLoss.mean(m.create(logits, new Shape(b, t, v)),
          m.create(tokens, new Shape(b, t))).getFloat(), 1e-5);
    }
  }
}
