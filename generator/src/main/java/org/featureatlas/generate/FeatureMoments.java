package org.featureatlas.generate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Per-feature counts and moments of the activations over all positions seen (pass A; excluded BOS rows are not seen): active count, sum and
 * sum of squares of f, maximum, and minimum over active positions. Gives the record its density, max and
 * mean; the later steps read each feature's range and sums through the accessors.
 */
final class FeatureMoments implements Statistic {
  final int dSae;
  private long positions;
  private final long[] active;
  private final double[] sum;
  private final double[] sumSq;
  private final float[] max;
  private final float[] minActive;

  FeatureMoments(int dSae) {
    this.dSae = dSae;
    active = new long[dSae];
    sum = new double[dSae];
    sumSq = new double[dSae];
    max = new float[dSae];
    minActive = new float[dSae];
    Arrays.fill(minActive, Float.POSITIVE_INFINITY);
  }

  @Override
  public void add(SparseBatch f, long firstPosition) {
    positions += f.counted; // excluded (BOS) rows count in no position total
    for (int e = 0; e < f.nnz; e++) addActive(f.feature[e], f.value[e]);
  }

  /** Adds one active value (f > 0) of feature {@code i}. */
  private void addActive(int i, float f) {
    active[i]++;
    sum[i] += f;
    sumSq[i] += (double) f * f;
    if (f > max[i]) max[i] = f;
    if (f < minActive[i]) minActive[i] = f;
  }

  @Override
  public void merge(Statistic other) {
    FeatureMoments o = Statistic.same(FeatureMoments.class, other);
    if (o.dSae != dSae) throw new IllegalArgumentException("d_sae " + o.dSae + " != " + dSae);
    positions += o.positions;
    for (int i = 0; i < dSae; i++) {
      active[i] += o.active[i];
      sum[i] += o.sum[i];
      sumSq[i] += o.sumSq[i];
      max[i] = Math.max(max[i], o.max[i]);
      minActive[i] = Math.min(minActive[i], o.minActive[i]);
    }
  }

  @Override
  public void contribute(int i, RecordFields record) {
    record.activation(density(i), max[i], meanActive(i));
  }

  long positions() {
    return positions;
  }

  /** True when feature {@code i} was active (f > 0) at some position. */
  boolean alive(int i) {
    return active[i] > 0;
  }

  double sum(int i) {
    return sum[i];
  }

  double sumSq(int i) {
    return sumSq[i];
  }

  /** The largest activation of feature {@code i}; 0 when it never fired. */
  float max(int i) {
    return max[i];
  }

  /** The smallest active value of feature {@code i}; +infinity when it never fired. */
  float minActive(int i) {
    return minActive[i];
  }

  double density(int i) {
    return positions == 0 ? 0.0 : (double) active[i] / positions;
  }

  /** The mean number of active features per position (the L0 seen so far); 0 before any position. */
  double meanActivePerPosition() {
    long total = 0;
    for (long a : active) total += a;
    return positions == 0 ? 0.0 : (double) total / positions;
  }

  double meanActive(int i) {
    return active[i] == 0 ? 0.0 : sum[i] / active[i];
  }

  @Override
  public void write(DataOutputStream out) throws IOException {
    out.writeInt(dSae);
    out.writeLong(positions);
    StateIO.writeLongs(out, active);
    StateIO.writeDoubles(out, sum);
    StateIO.writeDoubles(out, sumSq);
    StateIO.writeFloats(out, max);
    StateIO.writeFloats(out, minActive);
  }

  @Override
  public void read(DataInputStream in) throws IOException {
    StateIO.size(in, "d_sae", dSae);
    positions = in.readLong();
    StateIO.readLongs(in, active);
    StateIO.readDoubles(in, sum);
    StateIO.readDoubles(in, sumSq);
    StateIO.readFloats(in, max);
    StateIO.readFloats(in, minActive);
  }
}
