package org.featureatlas.generate;

/**
 * Pass B: with every feature's active range known, the activation histogram (bins over
 * [min, max] of active values), the ten equal-width intervals of (0, max] with their counts, and up to
 * {@code perInterval} positions per interval sampled uniformly without replacement. The sample keeps
 * the positions with the smallest seeded hash key, so it depends only on (seed, feature, position):
 * the same in a single run and in merged shards.
 */
final class IntervalStats {
  final int dSae;
  final int nBins;
  final int nIntervals;
  final int perInterval;
  final long seed;
  final float[] max;
  final Bins[] bins;
  final long[] histogram;      // [dSae * nBins]
  final long[] intervalCount;  // [dSae * nIntervals]
  final int[] sampleSize;      // [dSae * nIntervals]
  final long[] sampleKey;      // [dSae * nIntervals * perInterval], ascending within a slot
  final long[] samplePos;
  final float[] sampleAct;

  IntervalStats(FeatureMoments moments, int nBins, int nIntervals, int perInterval, long seed) {
    dSae = moments.dSae;
    this.nBins = nBins;
    this.nIntervals = nIntervals;
    this.perInterval = perInterval;
    this.seed = seed;
    max = moments.max.clone();
    bins = new Bins[dSae];
    for (int i = 0; i < dSae; i++) {
      if (moments.active[i] > 0) bins[i] = new Bins(nBins, moments.minActive[i], moments.max[i]);
    }
    histogram = new long[dSae * nBins];
    intervalCount = new long[dSae * nIntervals];
    sampleSize = new int[dSae * nIntervals];
    sampleKey = new long[dSae * nIntervals * perInterval];
    samplePos = new long[sampleKey.length];
    sampleAct = new float[sampleKey.length];
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

  void add(ActivationCache.Block block, int seqLen) {
    SparseBatch f = block.activations();
    long first = (long) block.firstSequence() * seqLen;
    for (int r = 0; r < f.rows; r++) {
      long pos = first + r;
      for (int e = f.rowStart[r]; e < f.rowStart[r + 1]; e++) {
        int i = f.feature[e];
        float v = f.value[e];
        histogram[i * nBins + bins[i].bin(v)]++;
        int slot = i * nIntervals + interval(i, v);
        intervalCount[slot]++;
        offerSample(slot, key(seed, i, pos), pos, v);
      }
    }
  }

  private void offerSample(int slot, long key, long pos, float act) {
    int base = slot * perInterval;
    int n = sampleSize[slot];
    if (n == perInterval && Long.compareUnsigned(key, sampleKey[base + n - 1]) >= 0) return;
    int at = n == perInterval ? n - 1 : n;
    while (at > 0 && Long.compareUnsigned(key, sampleKey[base + at - 1]) < 0) {
      sampleKey[base + at] = sampleKey[base + at - 1];
      samplePos[base + at] = samplePos[base + at - 1];
      sampleAct[base + at] = sampleAct[base + at - 1];
      at--;
    }
    sampleKey[base + at] = key;
    samplePos[base + at] = pos;
    sampleAct[base + at] = act;
    if (n < perInterval) sampleSize[slot] = n + 1;
  }

  /** A seeded 64-bit hash of (feature, position): SplitMix64's finaliser over a mixed input. */
  static long key(long seed, int feature, long pos) {
    long z = seed * 0x9E3779B97F4A7C15L + feature * 0xBF58476D1CE4E5B9L + pos * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
