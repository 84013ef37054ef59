package org.featureatlas.generate;

import java.util.ArrayList;
import java.util.List;
import org.featureatlas.data.TokenValue;

/**
 * Pass C's ablation in double, one token at a time, on a row's raw logits (before any final soft cap), for the two
 * cases the float kernels of {@link Ablation} do not cover: a model with final-logit soft-capping (Gemma 2:
 * {@code logits = C tanh(raw / C)}), and a hook before a post-norm ({@link PostNormPath}), whose ablation adds the
 * block's own write at the position ({@code omega}, the logits of that write) to the change. The raw logits change
 * exactly as in {@link Ablation}, but with the constant kept, since the cap is not linear:
 * <pre>
 *   raw'_v = raw_v + k1 (raw_v - b_v) - beta ~v_v - gamma omega_v     (k1 = sigma/sigma' - 1, beta and gamma: PostNormPath;
 *                                                                     without a post-norm beta = f/sigma', gamma = 0)
 *   c_v = C tanh(raw_v / C),  c'_v = C tanh(raw'_v / C)   (without a cap: c = raw, c' = raw')
 *   D_v = c'_v - c_v
 *   logprob_change_v = log_softmax(c)_v - log_softmax(c')_v = log(sum_v e^(c'_v)) - log(sum_v e^(c_v)) - D_v
 * </pre>
 * Without a cap {@code D} is computed as {@code k1 (raw - b) - beta ~v - gamma omega}, with no difference of large
 * numbers. Both sums are shifted by their own maximum. The largest changes are the smallest {@code D_v} and the
 * other way round (ties: lower token id), as in {@link Ablation}. The float kernels serve every other model and
 * hook unchanged. Not thread-safe: one per thread.
 */
final class DoubleAblation {
  private final int vocab;
  /** The final soft cap C, or 0 for none. */
  private final double cap;
  private final double[] capped; // [vocab] c
  private final double[] change; // [vocab] D
  private final BoundedTopK lows;
  private final BoundedTopK highs;

  /** @param cap the final-logit soft cap, or 0 when the model has none */
  DoubleAblation(int vocab, int k, double cap) {
    if (!(cap >= 0)) throw new IllegalArgumentException("soft cap " + cap);
    this.vocab = vocab;
    this.cap = cap;
    capped = new double[vocab];
    change = new double[vocab];
    lows = new BoundedTopK(1, k, BoundedTopK.Order.SMALLEST, false);
    highs = new BoundedTopK(1, k, BoundedTopK.Order.LARGEST, false);
  }

  /** One ablation without a post-norm: {@link #run(float[], int, float[], float[], double, double, float[], int, double, int)} with no {@code omega}. */
  Ablation.Result run(float[] raw, int off, float[] b, float[] w, double k1, double beta, int next) {
    return run(raw, off, b, w, k1, beta, null, 0, 0, next);
  }

  /**
   * One ablation.
   *
   * @param raw the row's raw (pre-cap) logits, starting at {@code off}
   * @param b the logits' constant part (ln_f.bias W_U + unembedding bias; 0 for RMSNorm)
   * @param w the feature's ~v
   * @param k1 sigma / sigma' - 1
   * @param beta the coefficient of ~v
   * @param omega the logits of the block's write at this row ({@code ~w W_U}), starting at {@code omegaOff}; null
   *     without a post-norm
   * @param gamma the coefficient of omega
   * @param next the next token's id, or -1 at the sequence's end
   */
  Ablation.Result run(float[] raw, int off, float[] b, float[] w, double k1, double beta, float[] omega, int omegaOff,
      double gamma, int next) {
    lows.clear(0);
    highs.clear(0);
    double max0 = Double.NEGATIVE_INFINITY;
    double max1 = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      double r = raw[off + v];
      double c;
      double d;
      if (cap > 0) {
        double r1 = r + k1 * (r - b[v]) - beta * w[v];
        if (omega != null) r1 -= gamma * omega[omegaOff + v];
        c = cap * Math.tanh(r / cap);
        d = cap * Math.tanh(r1 / cap) - c;
      } else {
        c = r;
        d = k1 * (r - b[v]) - beta * w[v];
        if (omega != null) d -= gamma * omega[omegaOff + v];
      }
      capped[v] = c;
      change[v] = d;
      max0 = Math.max(max0, c);
      max1 = Math.max(max1, c + d);
      lows.offer(0, d, v);
      highs.offer(0, d, v);
    }
    double s0 = 0;
    double s1 = 0;
    for (int v = 0; v < vocab; v++) {
      s0 += Math.exp(capped[v] - max0);
      s1 += Math.exp(capped[v] + change[v] - max1);
    }
    double lse = (max1 + Math.log(s1)) - (max0 + Math.log(s0));
    List<TokenValue> top = new ArrayList<>(lows.size(0));
    for (int j = 0; j < lows.size(0); j++) top.add(new TokenValue((int) lows.id(0, j), lse - lows.score(0, j)));
    List<TokenValue> bottom = new ArrayList<>(highs.size(0));
    for (int j = 0; j < highs.size(0); j++) bottom.add(new TokenValue((int) highs.id(0, j), lse - highs.score(0, j)));
    double nextChange = next < 0 ? 0.0 : lse - change[next];
    return new Ablation.Result(List.copyOf(top), List.copyOf(bottom), nextChange);
  }
}
