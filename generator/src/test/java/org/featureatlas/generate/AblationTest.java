package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AblationTest {
  @Test
  void fastExpMatchesMathExp() {
    Random r = new Random(1);
    for (int i = 0; i < 200_000; i++) {
      double x = -r.nextDouble() * (i % 2 == 0 ? 1 : 100);
      double want = Math.exp(x);
      assertEquals(want, Ablation.exp(x), 1e-12 + 1e-10 * want, "x=" + x);
    }
    assertEquals(1.0, Ablation.exp(0.0), 1e-15);
    assertEquals(0.0, Ablation.exp(-800.0));
  }

  @Test
  void ablationOfNothingChangesNothingAndTiesGoToLowerIds() {
    int vocab = 6;
    float[] logits = {1f, 2f, 3f, 0f, 0f, 0f};
    float[] probs = new float[vocab];
    double z = 0;
    for (float l : logits) z += Math.exp(l);
    for (int v = 0; v < vocab; v++) probs[v] = (float) (Math.exp(logits[v]) / z);
    float[] bias = new float[vocab];
    float[] vt = {0f, 0f, 0f, 1f, 1f, -1f};
    Ablation a = new Ablation(vocab, 2);
    Ablation.Result none = a.run(logits, probs, 0, bias, vt, 0.0, 0.0, 2);
    for (var tv : none.top()) assertEquals(0.0, tv.value(), 1e-7);
    assertEquals(0.0, none.nextTokenChange(), 1e-7);
    // With beta > 0, tokens 3 and 4 (vt = 1) lose the most: they top the change list, lower id first.
    Ablation.Result some = a.run(logits, probs, 0, bias, vt, 0.0, 0.5, -1);
    assertEquals(3, some.top().get(0).token());
    assertEquals(4, some.top().get(1).token());
    assertEquals(5, some.bottom().get(0).token());
    // change_v = log_softmax(l)_v - log_softmax(l - 0.5 vt)_v, checked directly.
    double z2 = 0;
    for (int v = 0; v < vocab; v++) z2 += Math.exp(logits[v] - 0.5 * vt[v]);
    double want3 = (logits[3] - Math.log(z)) - (logits[3] - 0.5 - Math.log(z2));
    assertEquals(want3, some.top().get(0).value(), 1e-6);
    assertTrue(some.top().get(0).value() > 0);
  }
}
