package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.featureatlas.data.TokenValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link SoftCapAblation} against log_softmax of the soft-capped logits before and after, from the definition. */
class SoftCapAblationTest {

  /** log_softmax(C tanh(raw / C)) - log_softmax(C tanh(raw' / C)), raw' = raw + k1 (raw - b) - beta w, in float64. */
  private static double[] reference(float[] raw, float[] b, float[] w, double k1, double beta, double cap) {
    int n = raw.length;
    double[] before = new double[n];
    double[] after = new double[n];
    for (int v = 0; v < n; v++) {
      before[v] = cap * Math.tanh(raw[v] / cap);
      double changed = raw[v] + k1 * ((double) raw[v] - b[v]) - beta * w[v];
      after[v] = cap * Math.tanh(changed / cap);
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

  @ParameterizedTest(name = "cap {0}, logit scale {1}")
  @CsvSource({"3, 1", "3, 20", "30, 10", "30, 200", "50, 0.5"})
  void matchesTheDefinition(double cap, double scale) {
    int vocab = 997;
    int k = 5;
    SplittableRandom r = new SplittableRandom((long) (cap * 1000 + scale));
    SoftCapAblation kernel = new SoftCapAblation(vocab, k, cap);
    for (int trial = 0; trial < 20; trial++) {
      float[] raw = new float[vocab + 3];
      float[] b = new float[vocab];
      float[] w = new float[vocab];
      for (int v = 0; v < vocab; v++) {
        raw[3 + v] = (float) (r.nextGaussian() * scale);
        b[v] = trial % 2 == 0 ? 0f : (float) (r.nextGaussian() * 0.1);
        w[v] = (float) (r.nextGaussian() * scale);
      }
      double k1 = r.nextGaussian() * 0.3;
      double beta = r.nextGaussian() * 0.5;
      int next = trial % 5 == 0 ? -1 : r.nextInt(vocab);
      Ablation.Result got = kernel.run(raw, 3, b, w, k1, beta, next);
      double[] want = reference(java.util.Arrays.copyOfRange(raw, 3, vocab + 3), b, w, k1, beta, cap);
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
    Ablation.Result none = new SoftCapAblation(3, 2, cap).run(raw, 0, new float[3], new float[] {1f, 2f, 3f}, 0, 0, 1);
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
