package org.featureatlas.generate;

import java.util.ArrayList;
import java.util.List;
import org.featureatlas.data.TokenValue;

/**
 * The inner loop of pass C, fused over the vocabulary: for one (position, feature) ablation, with the
 * row's logits shifted by their maximum ({@code m = logits - max logits}, prepared once per row) and
 * {@code b = ln_f.bias W_U},
 * <pre>
 *   d_v  = k1 (m_v - b_v) - beta ~v_v       (logits'_v - logits_v up to a constant; k1 = sigma/sigma' - 1, beta = f/sigma')
 *   lse  = log(sum_v e^(m_v + d_v)) - log(sum_v e^(m_v))
 *   logprob_change_v = log_softmax(logits)_v - log_softmax(logits')_v = lse - d_v
 * </pre>
 * The constant ({@code k1 max logits}) cancels between lse and d, so it is never formed. The largest
 * changes are the smallest {@code d_v} and the other way round, kept in two {@link BoundedTopK}s; ties go
 * to the lower token id. The second sum is the row's own ({@link #rowSum}, the same arithmetic with
 * {@code d = 0}), so no ablation ({@code f = 0}) gives exactly 0. The exponentials are shifted by {@code max(0, bound - 80)} where {@code bound >= |d|};
 * when the largest term still comes out below e^-20 the sum is redone shifted by its exact maximum.
 *
 * <p>Two implementations compute the same float arithmetic: {@link VectorAblation} (the Vector API,
 * used when the JVM runs with {@code --add-modules jdk.incubator.vector}) and {@link ScalarAblation}.
 * {@link #create} picks one; {@code -Datlas.simd=false} forces the scalar one.
 */
abstract class Ablation {
  /** The hover lists and the change at the next token of one ablation. */
  record Result(List<TokenValue> top, List<TokenValue> bottom, double nextTokenChange) {}

  /** Exponents below this are clamped to it (the redo keeps such terms negligible). */
  static final float EXP_MIN = -87f;

  /** The exp shift keeps every term below e^80 (float overflows past e^88). */
  static final float EXP_HEADROOM = 80f;

  final int vocab;
  /** The k smallest changes d (largest log-prob changes), ties by lower token id. */
  private final BoundedTopK lows;
  /** The k largest changes d (smallest log-prob changes), ties by lower token id. */
  private final BoundedTopK highs;

  /** The largest exponent {@code m_v + d_v - shift} of the last {@link #scan}. */
  float maxExponent;

  Ablation(int vocab, int k) {
    this.vocab = vocab;
    lows = new BoundedTopK(1, k, BoundedTopK.Order.SMALLEST, false);
    highs = new BoundedTopK(1, k, BoundedTopK.Order.LARGEST, false);
  }

  /** The fastest implementation this JVM offers. */
  static Ablation create(int vocab, int k) {
    if (VectorSupport.available()) {
      return new VectorAblation(vocab, k);
    }
    return new ScalarAblation(vocab, k);
  }

  /**
   * Sums {@code e^(m_v + d_v - shift)} over the vocabulary, offers every {@code d_v} to the top-k lists
   * when {@code offer}, and leaves the largest exponent in {@link #maxExponent}.
   */
  abstract double scan(float[] m, int off, float[] b, float[] w, float k1, float negBeta, float shift, boolean offer);

  /**
   * Subtracts the row's maximum from {@code logits[off .. off+vocab)} in place (giving {@code m}) and
   * returns {@code max_v |m_v - b_v|}.
   */
  abstract float shiftRow(float[] logits, int off, float[] b);

  /** {@code log(sum_v e^(m_v))} of one row, by {@link #scan}'s arithmetic with {@code d = 0}. */
  final double rowSum(float[] m, int off, float[] b) {
    return Math.log(scan(m, off, b, b, 0f, -0f, 0f, false));
  }

  /**
   * One ablation.
   *
   * @param m the row's logits minus their maximum, row-major, starting at {@code off}
   * @param logRowSum {@link #rowSum} of the row
   * @param b ln_f.bias W_U
   * @param w the feature's ~v
   * @param k1 sigma / sigma' - 1
   * @param beta f / sigma'
   * @param bound an upper bound of every |d_v|
   * @param next the next token's id, or -1 at the sequence's end
   */
  final Result run(float[] m, int off, double logRowSum, float[] b, float[] w, float k1, float beta, float bound, int next) {
    lows.clear(0);
    highs.clear(0);
    float negBeta = -beta;
    float shift = Math.max(0f, bound - EXP_HEADROOM);
    double s = scan(m, off, b, w, k1, negBeta, shift, true);
    if (!(s > 0) || Double.isInfinite(s) || maxExponent < -20f) {
      // The bound was far too loose: shift by the exact largest exponent instead.
      shift += maxExponent;
      s = scan(m, off, b, w, k1, negBeta, shift, false);
    }
    double lse = shift + Math.log(s) - logRowSum;
    List<TokenValue> top = new ArrayList<>(lows.size(0));
    for (int j = 0; j < lows.size(0); j++) top.add(new TokenValue((int) lows.id(0, j), lse - lows.score(0, j)));
    List<TokenValue> bottom = new ArrayList<>(highs.size(0));
    for (int j = 0; j < highs.size(0); j++) bottom.add(new TokenValue((int) highs.id(0, j), lse - highs.score(0, j)));
    double nextChange = next < 0 ? 0.0 : lse - d(m[off + next], b[next], w[next], k1, negBeta);
    return new Result(List.copyOf(top), List.copyOf(bottom), nextChange);
  }

  /** The logit change of one token, exactly as the kernels round it. */
  static float d(float m, float b, float w, float k1, float negBeta) {
    return Math.fma(m - b, k1, w * negBeta);
  }

  /** The current k-th smallest d, or +infinity while the list is not full. */
  final float lowThreshold() {
    return (float) lows.bound(0);
  }

  /** The current k-th largest d, or -infinity while the list is not full. */
  final float highThreshold() {
    return (float) highs.bound(0);
  }

  /**
   * Offers token {@code v} with change {@code x} to both lists. Call in ascending v: a change equal to a
   * threshold then never displaces, so the kernels may skip it.
   */
  final void offer(int v, float x) {
    lows.offer(0, x, v);
    highs.offer(0, x, v);
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
