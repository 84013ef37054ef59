package org.featureatlas.generate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.check.Check;
import org.featureatlas.data.Example;
import org.featureatlas.data.Interval;

/**
 * Pass B: with every feature's maximum known from pass A, the {@code nIntervals} equal-width intervals of
 * (0, max] with their counts, and up to {@code perInterval} positions per interval sampled uniformly
 * without replacement. The sample keeps the positions with the smallest seeded hash {@link #key} (a
 * {@link BoundedTopK} of (key as unsigned, position), one list per (feature, interval)), so it depends only
 * on (seed, feature, position): the same in a single run and in merged shards. Gives the record its
 * intervals, each with the windows of its sample, shown by activation descending, ties by position.
 */
final class IntervalStats implements Statistic {
  final int dSae;
  final int nIntervals;
  final int perInterval;
  final long seed;
  private final float[] max;
  private long positions;
  private final long[] count; // [dSae * nIntervals]
  private final BoundedTopK sample; // list i * nIntervals + j: feature i's interval j; values: activations

  IntervalStats(FeatureMoments moments, int nIntervals, int perInterval, long seed) {
    dSae = moments.dSae;
    this.nIntervals = nIntervals;
    this.perInterval = perInterval;
    this.seed = seed;
    Check.that((long) dSae * nIntervals <= Integer.MAX_VALUE - 8,
        "d_sae x n_intervals (" + dSae + " x " + nIntervals + ") is larger than one array holds");
    max = new float[dSae];
    for (int i = 0; i < dSae; i++) max[i] = moments.max(i);
    count = new long[dSae * nIntervals];
    sample = new BoundedTopK(dSae * nIntervals, perInterval, BoundedTopK.Order.SMALLEST_KEY, true);
  }

  /** Upper bound of interval {@code j} of feature {@code i}: max * (j + 1) / n. */
  double bound(int i, int j) {
    return j + 1 == nIntervals ? max[i] : (double) max[i] * (j + 1) / nIntervals;
  }

  double lowerBound(int i, int j) {
    return j == 0 ? 0.0 : bound(i, j - 1);
  }

  /** The interval (lo, hi] holding {@code v > 0}. */
  int interval(int i, float v) {
    int j = (int) Math.ceil((double) v * nIntervals / max[i]) - 1;
    if (j < 0) j = 0;
    if (j > nIntervals - 1) j = nIntervals - 1;
    while (j > 0 && v <= bound(i, j - 1)) j--;
    while (j < nIntervals - 1 && v > bound(i, j)) j++;
    return j;
  }

  @Override
  public void add(SparseBatch f, long firstPosition) {
    positions += f.counted; // excluded (BOS) rows count in no position total
    for (int r = 0; r < f.rows; r++) {
      long pos = firstPosition + r;
      for (int e = f.rowStart[r]; e < f.rowStart[r + 1]; e++) {
        int i = f.feature[e];
        float v = f.value[e];
        int slot = i * nIntervals + interval(i, v);
        count[slot]++;
        sample.offerKey(slot, key(seed, i, pos), pos, v);
      }
    }
  }

  @Override
  public void merge(Statistic other) {
    IntervalStats o = Statistic.same(IntervalStats.class, other);
    if (o.dSae != dSae || o.nIntervals != nIntervals || o.perInterval != perInterval || o.seed != seed) {
      throw new IllegalArgumentException("interval statistics of different sizes or seeds");
    }
    positions += o.positions;
    for (int c = 0; c < count.length; c++) count[c] += o.count[c];
    sample.merge(o.sample);
  }

  /** Interval {@code j} of feature {@code i}: its sampled positions, by activation descending, ties by position. */
  List<Selection.Ref> samples(int i, int j) {
    int slot = i * nIntervals + j;
    List<Selection.Ref> s = new ArrayList<>(sample.size(slot));
    for (int e = 0; e < sample.size(slot); e++) s.add(new Selection.Ref(i, sample.id(slot, e), sample.value(slot, e)));
    s.sort(Selection.SHOWN_ORDER);
    return s;
  }

  /** Alive features (max > 0: some active value) get every interval; dead ones none. */
  @Override
  public void contribute(int i, RecordFields record) {
    List<Interval> intervals = new ArrayList<>();
    if (max[i] > 0f) {
      for (int j = 0; j < nIntervals; j++) {
        List<Example> ex = new ArrayList<>();
        for (Selection.Ref r : samples(i, j)) ex.add(record.shown(r.pos()));
        intervals.add(new Interval(lowerBound(i, j), bound(i, j), (double) count[i * nIntervals + j] / positions, ex));
      }
    }
    record.intervals(intervals);
  }

  /** A seeded 64-bit hash of (feature, position): SplitMix64's finaliser over a mixed input. */
  static long key(long seed, int feature, long pos) {
    long z = seed * 0x9E3779B97F4A7C15L + feature * 0xBF58476D1CE4E5B9L + pos * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Layout: d_sae, n_intervals, per_interval, seed, positions, counts, then each slot's sample size and entries. */
  @Override
  public void write(DataOutputStream out) throws IOException {
    out.writeInt(dSae);
    out.writeInt(nIntervals);
    out.writeInt(perInterval);
    out.writeLong(seed);
    out.writeLong(positions);
    StateIO.writeLongs(out, count);
    for (int slot = 0; slot < count.length; slot++) {
      out.writeInt(sample.size(slot));
      for (int e = 0; e < sample.size(slot); e++) {
        out.writeLong(sample.key(slot, e));
        out.writeLong(sample.id(slot, e));
        out.writeFloat(sample.value(slot, e));
      }
    }
  }

  @Override
  public void read(DataInputStream in) throws IOException {
    StateIO.size(in, "d_sae", dSae);
    StateIO.size(in, "n_intervals", nIntervals);
    StateIO.size(in, "per_interval", perInterval);
    if (in.readLong() != seed) throw new IOException("the interval samples were drawn with another seed");
    positions = in.readLong();
    StateIO.readLongs(in, count);
    for (int slot = 0; slot < count.length; slot++) {
      int n = in.readInt();
      if (n < 0 || n > perInterval) throw new IOException("an interval holds " + n + " samples, at most " + perInterval);
      sample.clear(slot);
      for (int e = 0; e < n; e++) sample.offerKey(slot, in.readLong(), in.readLong(), in.readFloat());
    }
  }
}
