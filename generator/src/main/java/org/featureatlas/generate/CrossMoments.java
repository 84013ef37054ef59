package org.featureatlas.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.featureatlas.data.UnitScore;

/**
 * Streaming sums for the Pearson correlation and cosine similarity between the features {@code [from, to)}
 * (one block of the table) and every unit {@code u_j} (a neuron of the hook input, or a feature of encoder
 * B): {@code sum(f_i u_j)} over positions, plus each unit's sum and sum of squares ({@link Units}, shared by
 * the blocks of one table and counted by its first block only). The feature's own sums come from
 * {@link FeatureMoments}. Work is proportional to the non-zeros of f (never d_sae x d_units x N).
 *
 * <p>Every cell {@code (i, j)} receives its products in position order (batches in order, rows in order),
 * whatever the block and however many batches are pending, so a table computed in blocks holds exactly the
 * same doubles as one computed whole.
 */
final class CrossMoments {
  /** Per-unit sums over all positions; filled while the first block of a table is swept. */
  static final class Units {
    long positions;
    final double[] sum;
    final double[] sumSq;

    Units(int dUnits) {
      sum = new double[dUnits];
      sumSq = new double[dUnits];
    }
  }

  final int dUnits;
  final int from;
  final int to;
  final Units units;
  private final boolean countUnits;
  private final double[] xy; // [(to - from) * dUnits]; read through sums(), which applies pending batches

  /** Dense batches whose products are not yet in {@link #xy}: applied together, a row of xy at a time. */
  static final int PENDING = 8;
  private final List<float[]> pendingX = new ArrayList<>();
  private final List<SparseBatch> pendingF = new ArrayList<>();

  /**
   * The block of features {@code [from, to)}; {@code units} null for the first block of a table (which then
   * counts the unit sums), else the first block's {@link #units}, complete.
   */
  CrossMoments(int dUnits, int from, int to, Units units) {
    if (from < 0 || to < from || (long) (to - from) * dUnits > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("block [" + from + ", " + to + ") x " + dUnits + " does not fit one array");
    }
    this.dUnits = dUnits;
    this.from = from;
    this.to = to;
    this.countUnits = units == null;
    this.units = units == null ? new Units(dUnits) : units;
    xy = new double[(to - from) * dUnits];
  }

  /**
   * Adds a batch whose units are dense: {@code x} is [rows, dUnits]; {@code f} holds the batch's non-zeros
   * and marks the rows excluded from every sum (BOS positions).
   */
  void addDense(float[] x, int rows, SparseBatch f) {
    if (countUnits) {
      units.positions += f.counted;
      for (int r = 0; r < rows; r++) {
        if (f.excluded(r)) continue; // an excluded (BOS) row is no sample
        int base = r * dUnits;
        for (int j = 0; j < dUnits; j++) {
          double v = x[base + j];
          units.sum[j] += v;
          units.sumSq[j] += v * v;
        }
      }
    }
    pendingX.add(x);
    pendingF.add(f);
    if (pendingX.size() == PENDING) flush();
  }

  /**
   * Adds the pending batches' products to xy. Each feature's row of xy is updated by every pending
   * batch in batch order before moving on, so the table streams through memory once per
   * {@value #PENDING} batches; the additions happen in the same order as one batch at a time.
   */
  private void flush() {
    if (pendingX.isEmpty()) return;
    float[][] xs = pendingX.toArray(new float[0][]);
    SparseBatch[] fs = pendingF.toArray(new SparseBatch[0]);
    pendingX.clear();
    pendingF.clear();
    IntStream.range(from, to).parallel().forEach(i -> {
      int out = (i - from) * dUnits;
      for (int b = 0; b < xs.length; b++) {
        SparseBatch f = fs[b];
        float[] x = xs[b];
        for (int e = f.featureStart[i]; e < f.featureStart[i + 1]; e++) {
          double v = f.byFeatureValue[e];
          int base = f.byFeatureRow[e] * dUnits;
          for (int j = 0; j < dUnits; j++) {
            xy[out + j] += v * x[base + j];
          }
        }
      }
    });
  }

  /** The block's cross sums {@code sum f_i u_j}, [(to - from) * dUnits], with every added batch applied. */
  double[] sums() {
    flush();
    return xy;
  }

  /** Adds a batch whose units are sparse too (encoder B's features). */
  void addSparse(SparseBatch f, SparseBatch u) {
    flush();
    if (countUnits) {
      units.positions += u.counted; // excluded (BOS) rows are empty and not counted
      for (int e = 0; e < u.nnz; e++) {
        double v = u.value[e];
        units.sum[u.feature[e]] += v;
        units.sumSq[u.feature[e]] += v * v;
      }
    }
    IntStream.range(from, to).parallel().forEach(i -> {
      int out = (i - from) * dUnits;
      for (int e = f.featureStart[i]; e < f.featureStart[i + 1]; e++) {
        double v = f.byFeatureValue[e];
        int r = f.byFeatureRow[e];
        for (int k = u.rowStart[r]; k < u.rowStart[r + 1]; k++) {
          xy[out + u.feature[k]] += v * u.value[k];
        }
      }
    });
  }

  /** True when n*ss - s*s is zero up to rounding: a constant series has no Pearson correlation. */
  static boolean zeroVariance(long n, double s, double ss) {
    double var = n * ss - s * s;
    return ss == 0.0 || var <= 1e-12 * n * ss;
  }

  /**
   * The {@code k} units with the largest Pearson correlation to feature {@code i} (in this block; ties:
   * lower unit), each as [unit, pearson, cosine]. Empty when the feature has zero variance; constant units
   * are skipped.
   */
  List<UnitScore> top(int i, double fSum, double fSumSq, int k) {
    if (i < from || i >= to) throw new IllegalArgumentException("feature " + i + " is not in [" + from + ", " + to + ")");
    List<UnitScore> out = new ArrayList<>();
    long n = units.positions;
    if (n == 0 || zeroVariance(n, fSum, fSumSq)) return out;
    double[] xy = sums();
    double[] unitSum = units.sum;
    double[] unitSumSq = units.sumSq;
    double fVar = n * fSumSq - fSum * fSum;
    BoundedTopK best = new BoundedTopK(1, k, BoundedTopK.Order.LARGEST, false);
    int row = (i - from) * dUnits;
    for (int j = 0; j < dUnits; j++) {
      if (zeroVariance(n, unitSum[j], unitSumSq[j])) continue;
      double uVar = n * unitSumSq[j] - unitSum[j] * unitSum[j];
      best.offer(0, (n * xy[row + j] - fSum * unitSum[j]) / Math.sqrt(fVar * uVar), j);
    }
    for (int r = 0; r < best.size(0); r++) {
      int j = (int) best.id(0, r);
      double cos = xy[row + j] / Math.sqrt(fSumSq * unitSumSq[j]);
      out.add(new UnitScore(j, best.score(0, r), cos));
    }
    return out;
  }
}
