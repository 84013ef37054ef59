package org.featureatlas.generate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Per-feature counts and moments of the activations over all positions seen: active count, sum and
 * sum of squares of f, maximum, and minimum over active positions. Mergeable.
 */
final class FeatureMoments {
  final int dSae;
  long positions;
  final long[] active;
  final double[] sum;
  final double[] sumSq;
  final float[] max;
  final float[] minActive;

  FeatureMoments(int dSae) {
    this.dSae = dSae;
    active = new long[dSae];
    sum = new double[dSae];
    sumSq = new double[dSae];
    max = new float[dSae];
    minActive = new float[dSae];
    Arrays.fill(minActive, Float.POSITIVE_INFINITY);
  }

  /** Adds one active value (f > 0) of feature {@code i}. */
  void addActive(int i, float f) {
    active[i]++;
    sum[i] += f;
    sumSq[i] += (double) f * f;
    if (f > max[i]) max[i] = f;
    if (f < minActive[i]) minActive[i] = f;
  }

  void merge(FeatureMoments o) {
    positions += o.positions;
    for (int i = 0; i < dSae; i++) {
      active[i] += o.active[i];
      sum[i] += o.sum[i];
      sumSq[i] += o.sumSq[i];
      max[i] = Math.max(max[i], o.max[i]);
      minActive[i] = Math.min(minActive[i], o.minActive[i]);
    }
  }

  double density(int i) {
    return positions == 0 ? 0.0 : (double) active[i] / positions;
  }

  /** The mean number of active features per position (the L0 seen so far); 0 before any position. */
  double meanActivePerPosition() {
    long sum = 0;
    for (long a : active) sum += a;
    return positions == 0 ? 0.0 : (double) sum / positions;
  }

  double meanActive(int i) {
    return active[i] == 0 ? 0.0 : sum[i] / active[i];
  }

  void write(DataOutputStream out) throws IOException {
    out.writeInt(dSae);
    out.writeLong(positions);
    StateIO.writeLongs(out, active);
    StateIO.writeDoubles(out, sum);
    StateIO.writeDoubles(out, sumSq);
    StateIO.writeFloats(out, max);
    StateIO.writeFloats(out, minActive);
  }

  static FeatureMoments read(DataInputStream in) throws IOException {
    FeatureMoments m = new FeatureMoments(in.readInt());
    m.positions = in.readLong();
    System.arraycopy(StateIO.readLongs(in), 0, m.active, 0, m.dSae);
    System.arraycopy(StateIO.readDoubles(in), 0, m.sum, 0, m.dSae);
    System.arraycopy(StateIO.readDoubles(in), 0, m.sumSq, 0, m.dSae);
    System.arraycopy(StateIO.readFloats(in), 0, m.max, 0, m.dSae);
    System.arraycopy(StateIO.readFloats(in), 0, m.minActive, 0, m.dSae);
    return m;
  }
}
