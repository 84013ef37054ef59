package org.featureatlas.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.featureatlas.data.Logits;
import org.featureatlas.data.TokenValue;
import org.featureatlas.data.UnitScore;
import org.featureatlas.io.HostTensor;
import org.featureatlas.model.FinalNorm;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.model.HookPoint;
import org.featureatlas.model.LanguageModel;
import org.featureatlas.model.PostNorm;

/**
 * Weight-only quantities of every feature. With {@code u_i = W_dec[i] W_down} (W_down = the linear map from the
 * hook to the block's write, {@link LanguageModel#toResidual}: the down projection for mlp.hook_post, the output
 * projection for attn.hook_z, else the identity; times a post-norm's multiplier where one follows,
 * {@link LanguageModel#postNorm}, its data-dependent scale left out) and {@code W_U[d, v] = scale[d] * unembed[v, d]}
 * (the final norm's multiplier folded in):
 * the logit effect {@code v_i = u_i W_U} centred over the vocabulary (tables and histogram), and for the
 * ablation of pass C the direction {@code ~u_i = u_i - mean(u_i)} (for a LayerNorm final norm; {@code ~u_i = u_i}
 * for RMSNorm, which does not centre) and {@code ~v_i = ~u_i W_U}. Also the
 * neuron alignment of each decoder row. For a hook before a post-norm the host keeps {@code W_dec[i] W_down} before
 * the norm instead of {@code ~u_i} ({@link #uBeforeNorm}, for {@link PostNormPath}).
 *
 * <p>{@code v} is formed in chunks of {@code chunk} features ({@code u[from:to] W_U}, one product per
 * chunk) and never held whole: {@link #compute} keeps only each feature's tables and {@code max|~v_i|}, and
 * pass C asks {@link #centred} for the {@code ~v} rows of one block of chunks at a time. Both form a chunk
 * by the same product on the same arrays, so pass C's {@code ~v} is bit for bit what the tables saw,
 * whatever the block size. {@code u} and {@code W_U} stay on the device until {@link #close}.
 */
final class LogitEffects implements RecordPart, AutoCloseable {
  final int dSae;
  final int dModel;
  final int vocab;
  final int chunk;
  /** [dSae * dModel] centred direct-path directions; null for a hook before a post-norm. */
  final float[] uCentred;
  /** [dSae * dModel] {@code W_dec[i] W_down} before the post-norm, for a hook before one; else null. */
  final float[] uBeforeNorm;
  /** Whether the final norm centres (LayerNorm). */
  final boolean centres;
  /** [vocab] the final norm's bias times the unembedding, plus the unembedding bias: the logits' constant part (0 for RMSNorm). */
  final float[] logitBias;
  /** max_v |~v_i[v]| per feature, which bounds the ablation's logit change. */
  private final float[] maxAbsV;
  /** Per feature, its tables; null outside the range {@link #compute} was asked for. */
  private final Logits[] logits;
  private final NDManager manager;
  private final NDArray u; // [dSae, dModel]
  private final NDArray wU; // [dModel, vocab]
  private final float[] meanU; // [dSae]
  private final float[] wUSum; // [vocab]

  private LogitEffects(NDManager manager, NDArray u, NDArray wU, int chunk, float[] uCentred, float[] uBeforeNorm,
      boolean centres, float[] meanU, float[] wUSum, float[] logitBias) {
    this.manager = manager;
    this.u = u;
    this.wU = wU;
    this.chunk = chunk;
    this.dSae = (int) u.getShape().get(0);
    this.dModel = (int) u.getShape().get(1);
    this.vocab = (int) wU.getShape().get(1);
    this.uCentred = uCentred;
    this.uBeforeNorm = uBeforeNorm;
    this.centres = centres;
    this.meanU = meanU;
    this.wUSum = wUSum;
    this.logitBias = logitBias;
    this.maxAbsV = new float[dSae];
    this.logits = new Logits[dSae];
  }

  static LogitEffects compute(LanguageModel model, HostTensor wDec, HookPoint hook, int nLogits, int nBins, int chunk,
      NDManager parent, Runnable tick) {
    return compute(model, wDec, hook, nLogits, nBins, chunk, 0, wDec.rows(), parent, tick);
  }

  /**
   * The tables of the features {@code [from, to)} only ({@code from} a multiple of {@code chunk}, so each chunk is
   * the same product as in a whole run); {@link #contribute} and {@link #maxAbsV} serve only those features.
   */
  static LogitEffects compute(LanguageModel model, HostTensor wDec, HookPoint hook, int nLogits, int nBins, int chunk,
      int from, int to, NDManager parent, Runnable tick) {
    if (from % chunk != 0 || from < 0 || to > wDec.rows() || from > to) {
      throw new IllegalArgumentException("feature range [" + from + ", " + to + ") is not aligned to chunks of " + chunk);
    }
    NDManager m = parent.newSubManager();
    try {
      NDArray dec = Gpt2Model.toNd(wDec, m); // [dSae, dIn]
      NDArray toNorm = model.toResidual(hook, dec); // [dSae, dModel]
      PostNorm post = model.postNorm(hook);
      NDArray u = post == null ? toNorm : toNorm.mul(post.scale()); // [dSae, dModel]
      FinalNorm norm = model.finalNorm();
      NDArray unembed = model.unembed(); // [vocab, dModel]
      NDArray scaled = unembed.mul(norm.scale(m)); // [vocab, dModel]
      scaled.attach(m);
      NDArray wU = scaled.transpose(); // [dModel, vocab]
      NDArray bias = norm.bias() == null ? m.zeros(new Shape(unembed.getShape().get(0))) // [vocab]
          : unembed.matMul(norm.bias()); // [vocab]
      bias.attach(m);
      if (model.unembedBias() != null) {
        bias = bias.add(model.unembedBias()); // [vocab]
      }
      NDArray wUSum = wU.sum(new int[] {0}, true); // [1, vocab]
      // ~u: centred over d_model when the final norm centres (LayerNorm), u itself for RMSNorm.
      NDArray meanU = norm.kind().centres() ? u.mean(new int[] {1}, true) // [dSae, 1]
          : m.zeros(new Shape(u.getShape().get(0), 1)); // [dSae, 1]
      // The host keeps ~u, or for a hook before a post-norm the directions before the norm (never both).
      float[] uCentred = post == null ? u.sub(meanU).toFloatArray() : null; // [dSae, dModel]
      float[] uBeforeNorm = null;
      if (post != null) {
        uBeforeNorm = toNorm.toFloatArray(); // [dSae, dModel]
        toNorm.close(); // u alone stays on the device
      }
      LogitEffects e = new LogitEffects(m, u, wU, chunk, uCentred, uBeforeNorm, norm.kind().centres(),
          meanU.toFloatArray(), wUSum.toFloatArray(), bias.toFloatArray());
      e.tables(nLogits, nBins, from, to, tick);
      return e;
    } catch (RuntimeException | Error e) {
      m.close();
      throw e;
    }
  }

  /** Forms v chunk by chunk: the tables and max|~v_i| of every feature in {@code [first, end)}. */
  private void tables(int nLogits, int nBins, int first, int end, Runnable tick) {
    for (int from = first; from < end; from += chunk) {
      int to = Math.min(dSae, from + chunk);
      float[] host = v(from, to);
      Logits[] chunkTables = new Logits[to - from];
      int base = from;
      IntStream.range(0, to - from).parallel().forEach(r -> {
        chunkTables[r] = tables(host, r * vocab, vocab, nLogits, nBins);
        float[] row = centredRow(host, r, base + r);
        float max = 0f;
        for (int t = 0; t < vocab; t++) max = Math.max(max, Math.abs(row[t]));
        maxAbsV[base + r] = max;
      });
      System.arraycopy(chunkTables, 0, logits, from, to - from);
      tick.run();
    }
  }

  /** v of the chunk {@code [from, to)}, row-major [to - from, vocab]: one product on the device. */
  private float[] v(int from, int to) {
    try (NDManager chunkManager = manager.newSubManager()) {
      return u.get(chunkManager, new NDIndex(from + ":" + to)).matMul(wU).toFloatArray(); // [chunk, vocab]
    }
  }

  /** ~u W_U = u W_U - mean(u) (1 W_U): the centred direction's logits without a second product. */
  private float[] centredRow(float[] host, int r, int feature) {
    float[] row = new float[vocab];
    float mean = meanU[feature];
    for (int t = 0; t < vocab; t++) row[t] = host[r * vocab + t] - mean * wUSum[t];
    return row;
  }

  /**
   * The {@code ~v} rows of the features {@code wanted} (ascending, all in the chunks {@code [fromChunk,
   * toChunk)}), indexed by {@code feature - fromChunk * chunk}; rows of features not wanted are null.
   */
  float[][] centred(int fromChunk, int toChunk, int[] wanted) {
    int first = fromChunk * chunk;
    float[][] rows = new float[Math.min(dSae, toChunk * chunk) - first][];
    int w = 0;
    for (int c = fromChunk; c < toChunk && w < wanted.length; c++) {
      int from = c * chunk;
      int to = Math.min(dSae, from + chunk);
      if (wanted[w] >= to) continue;
      float[] host = v(from, to);
      for (; w < wanted.length && wanted[w] < to; w++) {
        rows[wanted[w] - first] = centredRow(host, wanted[w] - from, wanted[w]);
      }
    }
    return rows;
  }

  /**
   * The logits of residual-stream directions {@code rows [n, dModel]} as pass C adds them to a row's raw logits:
   * {@code ~w W_U} ({@code ~w} centred over d_model when the final norm centres), row-major {@code [n, vocab]}, one
   * product on the device.
   */
  float[] directionLogits(float[] rows, int n) {
    float[] out;
    try (NDManager m = manager.newSubManager()) {
      out = m.create(rows, new Shape(n, dModel)).matMul(wU).toFloatArray(); // [n, vocab]
    }
    if (centres) {
      for (int r = 0; r < n; r++) {
        double mean = 0;
        for (int j = 0; j < dModel; j++) mean += rows[r * dModel + j];
        float fm = (float) (mean / dModel);
        for (int t = 0; t < vocab; t++) out[r * vocab + t] -= fm * wUSum[t];
      }
    }
    return out;
  }

  /** max_v |~v_i[v]|: with the row's own term, a bound of the ablation's logit change. */
  float maxAbsV(int feature) {
    return maxAbsV[feature];
  }

  /**
   * The squared norm of a centred residual row after ablating {@code act} of {@code feature} through the
   * direct path: {@code sum_j (centred[offset + j] - act ~u_i[j])^2}, for the LayerNorm scale sigma'.
   */
  double ablatedSumSq(float[] centred, int offset, double act, int feature) {
    double ss = 0;
    int uo = feature * dModel;
    for (int j = 0; j < dModel; j++) {
      double c = centred[offset + j] - act * uCentred[uo + j];
      ss += c * c;
    }
    return ss;
  }

  /** Feature {@code i}'s logit tables and histogram ({@link #extreme}: {@link BoundedTopK}s of the centred row). */
  @Override
  public void contribute(int i, RecordFields record) {
    if (logits[i] == null) throw new IllegalStateException("feature " + i + " is outside the logit effects' range");
    record.logits(logits[i]);
  }

  @Override
  public void close() {
    manager.close();
  }

  /** Top/bottom tables and histogram of one feature's logit effect, centred over the vocabulary. */
  static Logits tables(float[] v, int offset, int vocab, int n, int nBins) {
    double mean = 0;
    for (int t = 0; t < vocab; t++) mean += v[offset + t];
    mean /= vocab;
    double[] centred = new double[vocab];
    for (int t = 0; t < vocab; t++) centred[t] = v[offset + t] - mean;
    return new Logits(extreme(centred, n, true), extreme(centred, n, false), Bins.of(centred, nBins));
  }

  /** The {@code n} largest (or smallest) values, ties by lower token id. */
  static List<TokenValue> extreme(double[] values, int n, boolean largest) {
    BoundedTopK best = new BoundedTopK(1, Math.min(n, values.length),
        largest ? BoundedTopK.Order.LARGEST : BoundedTopK.Order.SMALLEST, false);
    for (int t = 0; t < values.length; t++) best.offer(0, values[t], t);
    List<TokenValue> out = new ArrayList<>(best.size(0));
    for (int r = 0; r < best.size(0); r++) out.add(new TokenValue((int) best.id(0, r), best.score(0, r)));
    return out;
  }

  /** The {@code n} largest entries of decoder row i, ties by lower unit, with their share of the row's L1 norm. */
  static List<UnitScore> alignment(HostTensor wDec, int i, int n) {
    int dIn = wDec.cols();
    double[] row = new double[dIn];
    double l1 = 0;
    for (int j = 0; j < dIn; j++) {
      row[j] = wDec.data()[i * dIn + j];
      l1 += Math.abs(row[j]);
    }
    List<UnitScore> out = new ArrayList<>();
    for (TokenValue tv : extreme(row, n, true)) {
      out.add(new UnitScore(tv.token(), tv.value(), l1 == 0 ? 0.0 : Math.abs(tv.value()) / l1));
    }
    return out;
  }
}
