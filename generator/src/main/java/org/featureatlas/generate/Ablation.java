package org.featureatlas.generate;

import java.util.ArrayList;
import java.util.List;
import org.featureatlas.data.TokenValue;

/**
 * The inner loop of pass C, fused over the vocabulary: for one (position, feature) ablation, with
 * {@code u = logits - b} ({@code b = ln_f.bias W_U}) and {@code p = softmax(logits)} prepared once per
 * row,
 * <pre>
 *   d_v  = k1 u_v - beta ~v_v            (= logits'_v - logits_v; k1 = sigma/sigma' - 1, beta = f/sigma')
 *   lse  = log(sum_v p_v exp(d_v)) - log(sum_v p_v)      (= logsumexp(logits') - logsumexp(logits))
 *   logprob_change_v = lse - d_v
 * </pre>
 * so the largest changes are the smallest {@code d_v} and the other way round; ties go to the lower
 * token id because the vocabulary is scanned in order and only a strictly better value displaces.
 * Dividing by the row's own {@code sum p} cancels the rounding of the softmax, so no ablation
 * ({@code f = 0}) gives exactly 0. The exponentials are shifted by {@code D = max(0, bound - 80)} where
 * {@code bound >= max d}; a sum that still underflows is redone with the exact maximum.
 *
 * <p>Two implementations compute the same float arithmetic: {@link VectorAblation} (the Vector API,
 * used when the JVM runs with {@code --add-modules jdk.incubator.vector}) and {@link ScalarAblation}.
 * {@link #create} picks one; {@code -Datlas.simd=false} forces the scalar one.
 */
abstract class Ablation {
  /** The hover lists and the change at the next token of one ablation. */
  record Result(List<TokenValue> top, List<TokenValue> bottom, double nextTokenChange) {}

  /** Exponentials below this are flushed to e^-87. */
  static final float EXP_MIN = -87f;

  /** The exp shift keeps every term below e^80 (float overflows past e^88). */
  static final float EXP_HEADROOM = 80f;

  final int vocab;
  private final int k;
  private final int[] lowIdx;
  private final float[] lowVal;
  private final int[] highIdx;
  private final float[] highVal;
  private int lows;
  private int highs;

  Ablation(int vocab, int k) {
    this.vocab = vocab;
    this.k = k;
    lowIdx = new int[k];
    lowVal = new float[k];
    highIdx = new int[k];
    highVal = new float[k];
  }

  /** The fastest implementation this JVM offers. */
  static Ablation create(int vocab, int k) {
    if (VectorSupport.available()) {
      return new VectorAblation(vocab, k);
    }
    return new ScalarAblation(vocab, k);
  }

  /** Sum of {@code p[off .. off+vocab)} in the same order and precision as the kernel sums. */
  abstract double sum(float[] p, int off);

  /**
   * Sums {@code p_v exp(d_v - shift)} over the vocabulary and offers every {@code d_v} to the top-k
   * lists; returns the sum, and leaves {@code max d} in {@link #maxD}.
   */
  abstract double scan(float[] u, float[] p, int off, float[] w, float k1, float negBeta, float shift);

  /** Sums {@code p_v exp(d_v - shift)} only (the rare second pass). */
  abstract double sumOnly(float[] u, float[] p, int off, float[] w, float k1, float negBeta, float shift);

  /** The largest d_v of the last {@link #scan}. */
  float maxD;

  /**
   * One ablation.
   *
   * @param u the row's {@code logits - b}, row-major, starting at {@code off}
   * @param p the row's softmax, same layout
   * @param sumP {@link #sum} of the row's p
   * @param w the feature's ~v
   * @param k1 sigma / sigma' - 1
   * @param beta f / sigma'
   * @param bound an upper bound of every |d_v|
   * @param next the next token's id, or -1 at the sequence's end
   */
  final Result run(float[] u, float[] p, int off, double sumP, float[] w, float k1, float beta, float bound, int next) {
    lows = 0;
    highs = 0;
    float negBeta = -beta;
    float shift = Math.max(0f, bound - EXP_HEADROOM);
    double s = scan(u, p, off, w, k1, negBeta, shift);
    if (!(s > 0) || maxD - shift < -40f || Double.isInfinite(s)) {
      // The bound was far too loose (or broken): shift by the exact maximum instead.
      shift = maxD;
      s = sumOnly(u, p, off, w, k1, negBeta, shift);
    }
    double lse = shift + Math.log(s) - Math.log(sumP);
    List<TokenValue> top = new ArrayList<>(lows);
    for (int j = 0; j < lows; j++) top.add(new TokenValue(lowIdx[j], lse - lowVal[j]));
    List<TokenValue> bottom = new ArrayList<>(highs);
    for (int j = 0; j < highs; j++) bottom.add(new TokenValue(highIdx[j], lse - highVal[j]));
    double nextChange = next < 0 ? 0.0 : lse - d(u[off + next], w[next], k1, negBeta);
    return new Result(List.copyOf(top), List.copyOf(bottom), nextChange);
  }

  /** The logit change of one token, exactly as the kernels round it. */
  static float d(float u, float w, float k1, float negBeta) {
    return Math.fma(u, k1, w * negBeta);
  }

  /** The current k-th smallest d, or +infinity while the list is not full. */
  final float lowThreshold() {
    return lows < k ? Float.POSITIVE_INFINITY : lowVal[k - 1];
  }

  /** The current k-th largest d, or -infinity while the list is not full. */
  final float highThreshold() {
    return highs < k ? Float.NEGATIVE_INFINITY : highVal[k - 1];
  }

  /** Offers token {@code v} with change {@code x} to both lists (call in ascending v). */
  final void offer(int v, float x) {
    if (lows < k || x < lowVal[lows - 1]) lows = insert(lowIdx, lowVal, lows, v, x, true);
    if (highs < k || x > highVal[highs - 1]) highs = insert(highIdx, highVal, highs, v, x, false);
  }

  /** Inserts (v, x) into a sorted run (ascending when {@code ascending}), keeping at most k; returns the new size. */
  private int insert(int[] idx, float[] val, int size, int v, float x, boolean ascending) {
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

  static final float LOG2E = 1.44269504088896341f;
  static final float LN2_HI = 0.693359375f;
  static final float LN2_LO = -2.12194440e-4f;
  /** 1.5 * 2^23: adding and subtracting it rounds a float to the nearest integer. */
  static final float ROUND = 12582912f;
  static final float C2 = 1f / 2;
  static final float C3 = 1f / 6;
  static final float C4 = 1f / 24;
  static final float C5 = 1f / 120;
  static final float C6 = 1f / 720;
  static final float C7 = 1f / 5040;

  /**
   * e^x in float for x in [-87, 88] (clamped outside): x = n ln2 + r with |r| <= ln2 / 2, a degree-7
   * Taylor polynomial for e^r (relative error below 1e-7), and 2^n from the exponent bits. The vector
   * kernel performs exactly these operations lane by lane.
   */
  static float exp(float x) {
    x = Math.min(Math.max(x, EXP_MIN), 88f);
    float n = (x * LOG2E + ROUND) - ROUND;
    float r = Math.fma(n, -LN2_HI, x);
    r = Math.fma(n, -LN2_LO, r);
    float q = Math.fma(C7, r, C6);
    q = Math.fma(q, r, C5);
    q = Math.fma(q, r, C4);
    q = Math.fma(q, r, C3);
    q = Math.fma(q, r, C2);
    q = Math.fma(q, r, 1f);
    q = Math.fma(q, r, 1f);
    return q * Float.intBitsToFloat(((int) n + 127) << 23);
  }
}
