package org.featureatlas.generate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.featureatlas.check.Check;
import org.featureatlas.data.UnitScore;

/**
 * Streaming sums for the Pearson correlation and cosine similarity between every feature's activation
 * {@code f_i} and every unit {@code u_j} (a neuron of the hook input, or a feature of encoder B):
 * {@code sum(f_i u_j)} over positions plus each unit's sum and sum of squares. The feature's own sums come
 * from {@link FeatureMoments}. Work is proportional to the non-zeros of f (never d_sae x d_units x N).
 */
final class CrossMoments {
  /** Largest dense cross-sum table accepted (1 GiB of doubles). */
  static final long MAX_CELLS = 1L << 27;

  final int dSae;
  final int dUnits;
  long positions;
  final double[] unitSum;
  final double[] unitSumSq;
  private final double[] xy; // [dSae * dUnits]; read through sums(), which applies pending batches

  /** Dense batches whose products are not yet in {@link #xy}: applied together, a row of xy at a time. */
  static final int PENDING = 8;
  private final List<float[]> pendingX = new ArrayList<>();
  private final List<SparseBatch> pendingF = new ArrayList<>();

  CrossMoments(int dSae, int dUnits) {
    Check.that((long) dSae * dUnits <= MAX_CELLS, "correlation table of " + dSae + " x " + dUnits
        + " cells is larger than the supported " + MAX_CELLS + " (use a smaller second SAE)");
    this.dSae = dSae;
    this.dUnits = dUnits;
    unitSum = new double[dUnits];
    unitSumSq = new double[dUnits];
    xy = new double[dSae * dUnits];
  }

  /** Adds a batch whose units are dense: {@code x} is [rows, dUnits]; {@code f} holds the batch's non-zeros. */
  void addDense(float[] x, int rows, SparseBatch f) {
    positions += rows;
    for (int r = 0; r < rows; r++) {
      int base = r * dUnits;
      for (int j = 0; j < dUnits; j++) {
        double v = x[base + j];
        unitSum[j] += v;
        unitSumSq[j] += v * v;
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
    IntStream.range(0, dSae).parallel().forEach(i -> {
      int out = i * dUnits;
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

  /** The cross sums {@code sum f_i u_j}, [dSae * dUnits], with every added batch applied. */
  double[] sums() {
    flush();
    return xy;
  }

  /** Adds a batch whose units are sparse too (encoder B's features). */
  void addSparse(SparseBatch f, SparseBatch units) {
    flush();
    positions += units.rows;
    for (int e = 0; e < units.nnz; e++) {
      double v = units.value[e];
      unitSum[units.feature[e]] += v;
      unitSumSq[units.feature[e]] += v * v;
    }
    IntStream.range(0, dSae).parallel().forEach(i -> {
      int from = f.featureStart[i];
      int to = f.featureStart[i + 1];
      int out = i * dUnits;
      for (int e = from; e < to; e++) {
        double v = f.byFeatureValue[e];
        int r = f.byFeatureRow[e];
        for (int u = units.rowStart[r]; u < units.rowStart[r + 1]; u++) {
          xy[out + units.feature[u]] += v * units.value[u];
        }
      }
    });
  }

  void merge(CrossMoments o) {
    Check.that(o.dSae == dSae && o.dUnits == dUnits, "cannot merge correlation sums of different shapes");
    positions += o.positions;
    StateIO.add(unitSum, o.unitSum);
    StateIO.add(unitSumSq, o.unitSumSq);
    StateIO.add(sums(), o.sums());
  }

  /** True when n*ss - s*s is zero up to rounding: a constant series has no Pearson correlation. */
  static boolean zeroVariance(long n, double s, double ss) {
    double var = n * ss - s * s;
    return ss == 0.0 || var <= 1e-12 * n * ss;
  }

  /**
   * The {@code k} units with the largest Pearson correlation to feature {@code i} (ties: lower unit),
   * each as [unit, pearson, cosine]. Empty when the feature has zero variance; constant units are skipped.
   */
  List<UnitScore> top(int i, double fSum, double fSumSq, int k) {
    List<UnitScore> out = new ArrayList<>();
    long n = positions;
    if (n == 0 || zeroVariance(n, fSum, fSumSq)) return out;
    double[] xy = sums();
    double fVar = n * fSumSq - fSum * fSum;
    int[] best = new int[k];
    double[] bestP = new double[k];
    int size = 0;
    int row = i * dUnits;
    for (int j = 0; j < dUnits; j++) {
      if (zeroVariance(n, unitSum[j], unitSumSq[j])) continue;
      double uVar = n * unitSumSq[j] - unitSum[j] * unitSum[j];
      double p = (n * xy[row + j] - fSum * unitSum[j]) / Math.sqrt(fVar * uVar);
      if (size == k && !(p > bestP[size - 1])) continue;
      int at = size == k ? size - 1 : size;
      while (at > 0 && p > bestP[at - 1]) {
        bestP[at] = bestP[at - 1];
        best[at] = best[at - 1];
        at--;
      }
      bestP[at] = p;
      best[at] = j;
      if (size < k) size++;
    }
    for (int r = 0; r < size; r++) {
      int j = best[r];
      double cos = xy[row + j] / Math.sqrt(fSumSq * unitSumSq[j]);
      out.add(new UnitScore(j, bestP[r], cos));
    }
    return out;
  }

  void write(DataOutputStream out) throws IOException {
    out.writeInt(dSae);
    out.writeInt(dUnits);
    out.writeLong(positions);
    StateIO.writeDoubles(out, unitSum);
    StateIO.writeDoubles(out, unitSumSq);
    StateIO.writeDoubles(out, sums());
  }

  static CrossMoments read(DataInputStream in) throws IOException {
    CrossMoments c = new CrossMoments(in.readInt(), in.readInt());
    c.positions = in.readLong();
    System.arraycopy(StateIO.readDoubles(in), 0, c.unitSum, 0, c.dUnits);
    System.arraycopy(StateIO.readDoubles(in), 0, c.unitSumSq, 0, c.dUnits);
    System.arraycopy(StateIO.readDoubles(in), 0, c.xy, 0, c.xy.length);
    return c;
  }
}
