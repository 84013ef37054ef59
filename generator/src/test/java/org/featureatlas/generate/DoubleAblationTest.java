package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.featureatlas.data.TokenValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link DoubleAblation} against log_softmax of the (soft-capped) logits before and after, from the definition, with
 * and without a cap and a post-norm's term.
 */
class DoubleAblationTest {

  /**
   * log_softmax(C tanh(raw / C)) - log_softmax(C tanh(raw' / C)) (without a cap, of raw and raw'), raw' = raw +
   * k1 (raw - b) - beta w - gamma omega (no omega: 0), in float64.
   */
  private static double[] reference(float[] raw, float[] b, float[] w, double k1, double beta, float[] omega,
      double gamma, double cap) {
    int n = raw.length;
    double[] before = new double[n];
    double[] after = new double[n];
    for (int v = 0; v < n; v++) {
      double changed = raw[v] + k1 * ((double) raw[v] - b[v]) - beta * w[v] - (omega == null ? 0 : gamma * omega[v]);
      before[v] = cap > 0 ? cap * Math.tanh(raw[v] / cap) : raw[v];
      after[v] = cap > 0 ? cap * Math.tanh(changed / cap) : changed;
    }
    double lse0 = lse(before);
    double lse1 = lse(after);
    double[] out = new double[n];
    for (int v = 0; v < n; v++) out[v] = (before[v] - lse0) - (after[v] - lse1);
    return out;
  }

  private static double lse(double[] x) {
    double m = java.util.Arrays.stream(x).max().orElseThrow();
    double s = 0;
    for (double v : x) s += Math.exp(v - m);
    return m + Math.log(s);
  }

  @ParameterizedTest(name = "cap {0}, logit scale {1}, post-norm term {2}")
  @CsvSource({"3, 1, false", "3, 20, false", "30, 10, false", "30, 200, false", "50, 0.5, false",
      "3, 1, true", "30, 10, true", "0, 1, false", "0, 10, true", "0, 200, true"})
  void matchesTheDefinition(double cap, double scale, boolean postNorm) {
    int vocab = 997;
    int k = 5;
    SplittableRandom r = new SplittableRandom((long) (cap * 1000 + scale) + (postNorm ? 7 : 0));
    DoubleAblation kernel = new DoubleAblation(vocab, k, cap);
    for (int trial = 0; trial < 20; trial++) {
      float[] raw = new float[vocab + 3];
      float[] b = new float[vocab];
      float[] w = new float[vocab];
      float[] omega = postNorm ? new float[vocab + 3] : null;
      for (int v = 0; v < vocab; v++) {
        raw[3 + v] = (float) (r.nextGaussian() * scale);
        b[v] = trial % 2 == 0 ? 0f : (float) (r.nextGaussian() * 0.1);
        w[v] = (float) (r.nextGaussian() * scale);
        if (postNorm) omega[3 + v] = (float) (r.nextGaussian() * scale);
      }
      double k1 = r.nextGaussian() * 0.3;
      double beta = r.nextGaussian() * 0.5;
      double gamma = postNorm ? r.nextGaussian() * 0.2 : 0;
      int next = trial % 5 == 0 ? -1 : r.nextInt(vocab);
      Ablation.Result got = postNorm ? kernel.run(raw, 3, b, w, k1, beta, omega, 3, gamma, next)
          : kernel.run(raw, 3, b, w, k1, beta, next);
      double[] want = reference(java.util.Arrays.copyOfRange(raw, 3, vocab + 3), b, w, k1, beta,
          postNorm ? java.util.Arrays.copyOfRange(omega, 3, vocab + 3) : null, gamma, cap);
      List<Integer> desc = IntStream.range(0, vocab).boxed()
          .sorted(Comparator.comparingDouble((Integer v) -> -want[v]).thenComparingInt(v -> v)).toList();
      List<Integer> asc = IntStream.range(0, vocab).boxed()
          .sorted(Comparator.comparingDouble((Integer v) -> want[v]).thenComparingInt(v -> v)).toList();
      String at = "trial " + trial;
      check(want, desc, got.top(), k, at + " top");
      check(want, asc, got.bottom(), k, at + " bottom");
      assertEquals(next < 0 ? 0.0 : want[next], got.nextTokenChange(), 1e-9 * Math.max(1, Math.abs(got.nextTokenChange())), at);
    }
    // No ablation changes nothing.
    float[] raw = {1f, -2f, 40f};
    Ablation.Result none = new DoubleAblation(3, 2, cap).run(raw, 0, new float[3], new float[] {1f, 2f, 3f}, 0, 0,
        new float[] {4f, 5f, 6f}, 0, 0, 1);
    assertEquals(0.0, none.nextTokenChange());
  }

  private static void check(double[] want, List<Integer> order, List<TokenValue> got, int k, String at) {
    assertEquals(k, got.size(), at);
    for (int j = 0; j < k; j++) {
      double w = want[order.get(j)];
      assertEquals(w, got.get(j).value(), 1e-9 * Math.max(1, Math.abs(w)), at + " value " + j);
      // The same token unless the definition has a near-tie at this rank.
      if (order.get(j) != got.get(j).token()) {
        assertEquals(w, want[got.get(j).token()], 1e-12, at + " token " + j);
      }
    }
  }
}
