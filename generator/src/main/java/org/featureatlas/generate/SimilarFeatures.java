package org.featureatlas.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.featureatlas.check.Check;
import org.featureatlas.data.FeatureCosine;
import org.featureatlas.io.HostTensor;
import org.featureatlas.model.Gpt2Model;

/**
 * Weights only: for every feature, the {@code k} features of the same SAE whose decoder directions are most
 * similar to its own (cosine of the decoder rows, the feature itself left out), and the {@code k} most similar
 * features of encoder B's decoder when there is one. Order: cosine descending, ties by lower feature. A zero
 * decoder row has cosine 0 with every row.
 *
 * <p>Never a {@code d_sae x d_sae} table: the normalised decoders stay on the device, and the rows go through
 * in blocks of {@code blockRows} features ({@code Ŵ[block] Ŵᵀ} and {@code Ŵ[block] Ŵ_Bᵀ}, one product each,
 * {@code 8 x blockRows x (d_sae + d_sae_B)} bytes with the host copy), as many rows as the memory budget
 * allows. Each row offers the float32 products to a {@link BoundedTopK} of {@code k + }{@value #MARGIN}
 * candidates; the candidates' cosines are then computed again in float64 on the host (the decoder rows'
 * dot product over their norms, in a fixed order) and the first {@code k} kept. So the numbers and the order
 * are the float64 ones, the same whatever the block size or device, unless more than {@value #MARGIN} other
 * features come within float32 rounding of the {@code k}-th.
 */
final class SimilarFeatures implements RecordPart {
  /** Entries of each similar-features table. */
  static final int K = 10;
  /** Float32 candidates per row beyond {@code k}, re-scored in float64. */
  static final int MARGIN = 16;

  private final int k;
  private final Table same;
  private final Table b; // null without encoder B

  private SimilarFeatures(int k, Table same, Table b) {
    this.k = k;
    this.same = same;
    this.b = b;
  }

  /** One table per feature: up to {@code k} (feature, cosine) entries, flat. */
  private static final class Table {
    final int[] count;
    final int[] feature;
    final double[] cosine;

    Table(int dSae, int k) {
      Check.that((long) dSae * k <= Integer.MAX_VALUE - 8, "d_sae x " + k + " similar features are larger than one array holds");
      count = new int[dSae];
      feature = new int[dSae * k];
      cosine = new double[dSae * k];
    }

    List<FeatureCosine> list(int i, int k) {
      List<FeatureCosine> out = new ArrayList<>(count[i]);
      for (int r = 0; r < count[i]; r++) out.add(new FeatureCosine(feature[i * k + r], cosine[i * k + r]));
      return out;
    }
  }

  /** The number of row blocks for {@code dSae} features, {@code blockRows} at a time. */
  static int blocks(int dSae, int blockRows) {
    return (int) (((long) dSae + blockRows - 1) / blockRows);
  }

  /**
   * Computes both tables. {@code wDec} is [d_sae, d_in], {@code wDecB} [d_sae_B, d_in] or null;
   * {@code tick} runs after each block.
   */
  static SimilarFeatures compute(HostTensor wDec, HostTensor wDecB, int k, int blockRows, NDManager parent, Runnable tick) {
    return compute(wDec, wDecB, k, blockRows, 0, wDec.rows(), parent, tick);
  }

  /**
   * The tables of the features {@code [first, end)} only (rows against every feature, blocks of {@code blockRows}
   * from {@code first}); the others' tables stay empty.
   */
  static SimilarFeatures compute(HostTensor wDec, HostTensor wDecB, int k, int blockRows, int first, int end, NDManager parent,
      Runnable tick) {
    Check.positive(blockRows, "similar-features block rows");
    int dSae = wDec.rows();
    int dIn = wDec.cols();
    Check.that(wDecB == null || wDecB.cols() == dIn, "encoder B's decoder has " + (wDecB == null ? 0 : wDecB.cols())
        + " columns, the SAE's " + dIn);
    int dSaeB = wDecB == null ? 0 : wDecB.rows();
    double[] norms = norms(wDec);
    double[] normsB = wDecB == null ? null : norms(wDecB);
    Table same = new Table(dSae, k);
    Table tb = wDecB == null ? null : new Table(dSae, k);
    try (NDManager m = parent.newSubManager()) {
      NDArray dec = normalised(wDec, m); // [dSae, dIn]
      NDArray decB = wDecB == null ? null : normalised(wDecB, m); // [dSaeB, dIn]
      NDArray decT = dec.transpose(); // [dIn, dSae]
      NDArray decBT = decB == null ? null : decB.transpose(); // [dIn, dSaeB]
      for (int from = first; from < end; from += blockRows) {
        int to = (int) Math.min(end, (long) from + blockRows);
        float[] sim;
        float[] simB = null;
        try (NDManager bm = m.newSubManager()) {
          NDArray q = dec.get(bm, new NDIndex(from + ":" + to)); // [rows, dIn]
          sim = q.matMul(decT).toFloatArray(); // [rows, dSae]
          if (decBT != null) simB = q.matMul(decBT).toFloatArray(); // [rows, dSaeB]
        }
        int base = from;
        float[] blockB = simB;
        IntStream.range(0, to - from).parallel().forEach(r -> {
          int i = base + r;
          select(i, sim, r * dSae, dSae, i, wDec, norms, wDec, norms, k, same);
          if (tb != null) select(i, blockB, r * dSaeB, dSaeB, -1, wDec, norms, wDecB, normsB, k, tb);
        });
        tick.run();
      }
    }
    return new SimilarFeatures(k, same, tb);
  }

  /** Row i's table: float32 candidates from {@code sim}, re-scored in float64, the first k kept. */
  private static void select(int i, float[] sim, int offset, int n, int self, HostTensor a, double[] normsA, HostTensor b,
      double[] normsB, int k, Table out) {
    BoundedTopK candidates = new BoundedTopK(1, Math.min(n, k + MARGIN), BoundedTopK.Order.LARGEST, false);
    for (int j = 0; j < n; j++) {
      if (j != self) candidates.offer(0, sim[offset + j], j);
    }
    BoundedTopK best = new BoundedTopK(1, k, BoundedTopK.Order.LARGEST, false);
    for (int r = 0; r < candidates.size(0); r++) {
      int j = (int) candidates.id(0, r);
      best.offer(0, cosine(a, i, normsA[i], b, j, normsB[j]), j);
    }
    out.count[i] = best.size(0);
    for (int r = 0; r < best.size(0); r++) {
      out.feature[i * k + r] = (int) best.id(0, r);
      out.cosine[i * k + r] = best.score(0, r);
    }
  }

  /** The float64 cosine of row i of {@code a} and row j of {@code b} (0 when either is zero), within [-1, 1]. */
  static double cosine(HostTensor a, int i, double normI, HostTensor b, int j, double normJ) {
    if (normI == 0 || normJ == 0) return 0.0;
    int d = a.cols();
    float[] x = a.data();
    float[] y = b.data();
    double dot = 0;
    for (int c = 0; c < d; c++) dot += (double) x[i * d + c] * y[j * d + c];
    return Math.max(-1.0, Math.min(1.0, dot / (normI * normJ)));
  }

  /** Each row's float64 Euclidean norm. */
  private static double[] norms(HostTensor w) {
    int rows = w.rows();
    int d = w.cols();
    float[] x = w.data();
    double[] out = new double[rows];
    for (int i = 0; i < rows; i++) {
      double ss = 0;
      for (int c = 0; c < d; c++) ss += (double) x[i * d + c] * x[i * d + c];
      out[i] = Math.sqrt(ss);
    }
    return out;
  }

  /** The rows of {@code w} divided by their norms (a zero row stays zero), on the device. */
  private static NDArray normalised(HostTensor w, NDManager m) {
    try (NDManager t = m.newSubManager()) {
      NDArray x = Gpt2Model.toNd(w, t); // [rows, dIn]
      NDArray norm = x.square().sum(new int[] {1}, true).sqrt().maximum(1e-30f); // [rows, 1]
      NDArray out = x.div(norm); // [rows, dIn]
      out.attach(m);
      return out;
    }
  }

  /** How many features feature {@code i}'s own table holds (the feature map's neighbour graph reads them). */
  int count(int i) {
    return same.count[i];
  }

  /** Entry {@code r} of feature {@code i}'s own table: the feature. */
  int neighbour(int i, int r) {
    return same.feature[i * k + r];
  }

  /** Entry {@code r} of feature {@code i}'s own table: the float64 decoder cosine. */
  double cosine(int i, int r) {
    return same.cosine[i * k + r];
  }

  /** Feature {@code i}'s tables (encoder B's null without encoder B). */
  @Override
  public void contribute(int i, RecordFields record) {
    record.similar(same.list(i, k), b == null ? null : b.list(i, k));
  }
}
