package org.featureatlas.generate;

import java.util.ArrayList;
import java.util.List;
import org.featureatlas.data.TokenValue;

/**
 * The inner loop of pass C, fused over the vocabulary in plain Java (one pass to form the logit change,
 * one to sum): for one (position, feature) ablation,
 * <pre>
 *   d_v = (logits_v - b_v) (sigma / sigma' - 1) - (f / sigma') ~v_v       (= logits'_v - logits_v)
 *   lse  = log(sum_v p_v exp(d_v))                                         (p = softmax(logits))
 *   logprob_change_v = lse - d_v
 * </pre>
 * so the largest changes are the smallest {@code d_v} and the other way round; ties go to the lower
 * token id because the vocabulary is scanned in order and only a strictly better value displaces.
 */
final class Ablation {
  /** The hover lists and the change at the next token of one ablation. */
  record Result(List<TokenValue> top, List<TokenValue> bottom, double nextTokenChange) {}

  private final int k;
  private final double[] d;
  private final int[] lowIdx;
  private final double[] lowVal;
  private final int[] highIdx;
  private final double[] highVal;

  Ablation(int vocab, int k) {
    this.k = k;
    d = new double[vocab];
    lowIdx = new int[k];
    lowVal = new double[k];
    highIdx = new int[k];
    highVal = new double[k];
  }

  /**
   * @param logits host logits, row-major; the position's row starts at {@code row}
   * @param probs softmax of the same rows
   * @param bias ln_f.bias W_U
   * @param vt the feature's ~v
   * @param k1 sigma / sigma' - 1
   * @param beta f / sigma'
   * @param next the next token's id, or -1 at the sequence's end
   */
  Result run(float[] logits, float[] probs, int row, float[] bias, float[] vt, double k1, double beta, int next) {
    int vocab = d.length;
    int lows = 0;
    int highs = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      double x = k1 * ((double) logits[row + v] - bias[v]) - beta * vt[v];
      d[v] = x;
      if (x > max) max = x;
      if (lows < k || x < lowVal[lows - 1]) lows = insert(lowIdx, lowVal, lows, v, x, true);
      if (highs < k || x > highVal[highs - 1]) highs = insert(highIdx, highVal, highs, v, x, false);
    }
    double sum = 0;
    for (int v = 0; v < vocab; v++) {
      sum += probs[row + v] * exp(d[v] - max);
    }
    double lse = Math.log(sum) + max;
    List<TokenValue> top = new ArrayList<>(lows);
    for (int j = 0; j < lows; j++) top.add(new TokenValue(lowIdx[j], lse - lowVal[j]));
    List<TokenValue> bottom = new ArrayList<>(highs);
    for (int j = 0; j < highs; j++) bottom.add(new TokenValue(highIdx[j], lse - highVal[j]));
    return new Result(List.copyOf(top), List.copyOf(bottom), next < 0 ? 0.0 : lse - d[next]);
  }

  /** Inserts (v, x) into a sorted run (ascending when {@code ascending}), keeping at most k; returns the new size. */
  private int insert(int[] idx, double[] val, int size, int v, double x, boolean ascending) {
    int at = size < k ? size : k - 1;
    while (at > 0 && (ascending ? x < val[at - 1] : x > val[at - 1])) {
      val[at] = val[at - 1];
      idx[at] = idx[at - 1];
      at--;
    }
    val[at] = x;
    idx[at] = v;
    return Math.min(size + 1, k);
  }

  /**
   * e^x for x <= 0, to about 1e-11 relative: x = n ln2 + r with |r| <= ln2 / 2, a degree-9 Taylor
   * polynomial for e^r, and 2^n from the exponent bits. Several times faster than Math.exp here.
   */
  static double exp(double x) {
    if (x < -700) return 0.0;
    double n = Math.rint(x * 1.4426950408889634);
    double r = x - n * 0.6931471803691238 - n * 1.9082149292705877e-10;
    double p = 1 + r * (1 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
        + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880)))))))));
    return p * Double.longBitsToDouble(((long) n + 1023) << 52);
  }
}
