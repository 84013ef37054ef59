package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.featureatlas.data.TokenValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AblationTest {

  private static Ablation kernel(boolean vector, int vocab, int k) {
    return vector ? new VectorAblation(vocab, k) : new ScalarAblation(vocab, k);
  }

  @Test
  void testsRunWithTheVectorApi() {
    // The build passes --add-modules jdk.incubator.vector to tests and ./atlas; without it the
    // generation silently falls back to the scalar kernel.
    assertTrue(VectorSupport.available());
    assertTrue(Ablation.create(10, 2) instanceof VectorAblation);
  }

  @Test
  void floatExpIsWithinTwoTenthsOfAMillionthOfMathExp() {
    for (double x = -87; x <= 10; x += 0.0137) {
      float xf = (float) x;
      double want = Math.exp(xf);
      assertEquals(want, Ablation.exp(xf), 2e-7 * want, "x=" + xf);
    }
    assertEquals(1f, Ablation.exp(0f));
    assertEquals((float) Math.exp(-87), Ablation.exp(-1000f), 1e-44);
  }

  @Test
  void vectorExpEqualsScalarExpInEveryLane() {
    SplittableRandom r = new SplittableRandom(5);
    int len = FloatVector.SPECIES_PREFERRED.length();
    float[] x = new float[len];
    float[] got = new float[len];
    for (int trial = 0; trial < 2000; trial++) {
      for (int j = 0; j < len; j++) x[j] = (float) (r.nextDouble() * 120 - 100);
      VectorAblation.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).intoArray(got, 0);
      for (int j = 0; j < len; j++) assertEquals(Ablation.exp(x[j]), got[j], "x=" + x[j]);
    }
  }

  /** A row of logits shifted by their maximum, ln_f's logit bias, and a feature's ~v, for one random case. */
  private record Case(float[] logits, float[] bias, float[] m, float[] w) {
    static Case random(int vocab, long seed, double logitScale) {
      SplittableRandom r = new SplittableRandom(seed);
      float[] logits = new float[vocab];
      float[] bias = new float[vocab];
      float[] w = new float[vocab];
      float max = Float.NEGATIVE_INFINITY;
      for (int v = 0; v < vocab; v++) {
        logits[v] = (float) (r.nextGaussian() * logitScale);
        bias[v] = (float) (r.nextGaussian() * 0.1);
        w[v] = (float) r.nextGaussian();
        max = Math.max(max, logits[v]);
      }
      float[] m = new float[vocab];
      for (int v = 0; v < vocab; v++) m[v] = logits[v] - max;
      return new Case(logits, bias, m, w);
    }

    /**
     * log_softmax(logits) - log_softmax(logits'), straight from the definition in float64, with
     * logits' = logits + k1 (logits - b) - beta w.
     */
    double[] change(float k1, float beta) {
      int vocab = logits.length;
      double[] after = new double[vocab];
      for (int v = 0; v < vocab; v++) after[v] = logits[v] + ((double) k1 * (logits[v] - bias[v]) - (double) beta * w[v]);
      double lse0 = lse(toDouble(logits));
      double lse1 = lse(after);
      double[] out = new double[vocab];
      for (int v = 0; v < vocab; v++) out[v] = (logits[v] - lse0) - (after[v] - lse1);
      return out;
    }

    float bound(float k1, float beta) {
      float md = 0;
      float mw = 0;
      for (int v = 0; v < m.length; v++) {
        md = Math.max(md, Math.abs(m[v] - bias[v]));
        mw = Math.max(mw, Math.abs(w[v]));
      }
      return (Math.abs(k1) * md + Math.abs(beta) * mw) * 1.001f + 1e-3f;
    }

    Ablation.Result run(Ablation a, float k1, float beta, float bound, int next) {
      return a.run(m, 0, a.rowSum(m, 0, bias), bias, w, k1, beta, bound, next);
    }
  }

  private static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i];
    return d;
  }

  private static double lse(double[] a) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : a) max = Math.max(max, x);
    double s = 0;
    for (double x : a) s += Math.exp(x - max);
    return max + Math.log(s);
  }

  /** Indices of the n largest values, ties to the lower index, by a full sort. */
  private static int[] largest(double[] x, int n) {
    return java.util.stream.IntStream.range(0, x.length).boxed()
        .sorted((a, b) -> x[a] != x[b] ? Double.compare(x[b], x[a]) : Integer.compare(a, b))
        .limit(n).mapToInt(Integer::intValue).toArray();
  }

  private static void assertMatches(double[] want, int[] ids, List<TokenValue> got, double tol) {
    assertEquals(ids.length, got.size());
    for (int j = 0; j < ids.length; j++) {
      assertEquals(ids[j], got.get(j).token(), "rank " + j);
      assertEquals(want[ids[j]], got.get(j).value(), tol + tol * Math.abs(want[ids[j]]), "rank " + j);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void everyListAndTheNextTokenMatchTheDefinition(boolean vector) {
    // Vocab sizes that leave a scalar tail; k1, beta from small to large (large beta needs the shift).
    int[] vocabs = {1037, 50257};
    float[][] params = {{-1e-3f, 0.01f}, {0.05f, -0.7f}, {-0.3f, 3f}, {0.2f, 40f}};
    for (int vocab : vocabs) {
      Case c = Case.random(vocab, vocab, 3.0);
      Ablation a = kernel(vector, vocab, 5);
      for (float[] kb : params) {
        float k1 = kb[0];
        float beta = kb[1];
        double[] want = c.change(k1, beta);
        double[] neg = new double[vocab];
        for (int v = 0; v < vocab; v++) neg[v] = -want[v];
        int next = vocab / 3;
        Ablation.Result got = c.run(a, k1, beta, c.bound(k1, beta), next);
        String at = "vocab " + vocab + " k1 " + k1 + " beta " + beta;
        double tol = 2e-6 * Math.max(1, Math.abs(beta));
        assertMatches(want, largest(want, 5), got.top(), tol);
        assertMatches(want, largest(neg, 5), got.bottom(), tol);
        assertEquals(want[next], got.nextTokenChange(), tol, at);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void shiftRowSubtractsTheMaximumAndBoundsTheChange(boolean vector) {
    int vocab = 1037;
    Case c = Case.random(vocab, 3, 2.0);
    float[] row = new float[vocab + 5]; // at an offset, with neighbours that must not change
    java.util.Arrays.fill(row, 42f);
    System.arraycopy(c.logits(), 0, row, 3, vocab);
    float bound = kernel(vector, vocab, 5).shiftRow(row, 3, c.bias());
    float want = 0f;
    for (int v = 0; v < vocab; v++) {
      assertEquals(c.m()[v], row[3 + v], "v=" + v);
      want = Math.max(want, Math.abs(c.m()[v] - c.bias()[v]));
    }
    assertEquals(want, bound);
    assertEquals(42f, row[2]);
    assertEquals(42f, row[3 + vocab]);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aLooseBoundFallsBackToTheExactMaximum(boolean vector) {
    int vocab = 999;
    Case c = Case.random(vocab, 7, 1.0);
    Ablation a = kernel(vector, vocab, 3);
    double[] want = c.change(0.1f, 2f);
    // A bound of 500 shifts every exponential below e^-400: the kernel must notice and redo the sum.
    Ablation.Result got = c.run(a, 0.1f, 2f, 500f, 4);
    assertEquals(want[4], got.nextTokenChange(), 1e-5);
    assertMatches(want, largest(want, 3), got.top(), 1e-5);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void ablationOfNothingChangesNothingAndTiesGoToLowerIds(boolean vector) {
    int vocab = 70; // 64 in vectors (at most 16 lanes) and a tail
    float[] m = new float[vocab]; // uniform logits
    float[] b = new float[vocab];
    float[] w = new float[vocab];
    for (int v = 0; v < vocab; v++) b[v] = (float) Math.sin(v);
    w[3] = 1f;
    w[9] = 1f;
    w[66] = 1f;
    w[5] = -1f;
    Ablation a = kernel(vector, vocab, 2);
    double rowSum = a.rowSum(m, 0, b);
    Ablation.Result none = a.run(m, 0, rowSum, b, w, 0f, 0f, 1e-3f, 2);
    for (TokenValue tv : none.top()) assertEquals(0.0, tv.value());
    assertEquals(0.0, none.nextTokenChange());
    // With beta > 0, tokens 3, 9 and 66 (w = 1) lose the most: the lower ids top the change list.
    Ablation.Result some = a.run(m, 0, rowSum, b, w, 0f, 0.5f, 0.6f, -1);
    assertEquals(3, some.top().get(0).token());
    assertEquals(9, some.top().get(1).token());
    assertEquals(5, some.bottom().get(0).token());
    // change_v = log_softmax(l)_v - log_softmax(l - 0.5 w)_v with uniform logits: log(mean e^{-0.5 w}) + 0.5 w_v.
    double mean = (vocab - 4 + 3 * Math.exp(-0.5) + Math.exp(0.5)) / vocab;
    assertEquals(Math.log(mean) + 0.5, some.top().get(0).value(), 1e-6);
  }
}
