package org.featureatlas.generate;

import java.util.ArrayList;
import java.util.List;
import org.featureatlas.data.Histogram;

/**
 * Equal-width bins over {@code [lo, hi]}, numpy's convention: bin k holds {@code edges[k] <= v < edges[k+1]},
 * the last bin is closed, {@code edges[k] = lo + (hi - lo) * k / n}. When {@code lo == hi} the range
 * becomes {@code [lo - 0.5, hi + 0.5]} and every value lands in the middle bin, as numpy does.
 */
final class Bins {
  final int n;
  /** True when every value is the same: they all go to the middle bin {@code n / 2}, as numpy puts them. */
  final boolean single;
  final double lo;
  final double hi;
  final double[] edges;

  Bins(int n, double lo, double hi) {
    this.n = n;
    single = lo == hi;
    if (single) {
      lo -= 0.5;
      hi += 0.5;
    }
    this.lo = lo;
    this.hi = hi;
    edges = new double[n + 1];
    for (int k = 0; k <= n; k++) edges[k] = k == n ? hi : lo + (hi - lo) * k / n;
  }

  /** The bin of {@code v}, which must lie in [lo, hi]. */
  int bin(double v) {
    if (single) return n / 2;
    int k = (int) Math.floor((v - lo) / (hi - lo) * n);
    if (k < 0) k = 0;
    if (k > n - 1) k = n - 1;
    while (k > 0 && v < edges[k]) k--;
    while (k < n - 1 && v >= edges[k + 1]) k++;
    return k;
  }

  Histogram histogram(long[] counts) {
    List<Double> e = new ArrayList<>(n + 1);
    for (double v : edges) e.add(v);
    List<Long> c = new ArrayList<>(n);
    for (long v : counts) c.add(v);
    return new Histogram(e, c);
  }

  /** Histogram of {@code values} (all finite) over their own [min, max]; empty for no values. */
  static Histogram of(double[] values, int n) {
    if (values.length == 0) return Histogram.empty();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    Bins bins = new Bins(n, lo, hi);
    long[] counts = new long[n];
    for (double v : values) counts[bins.bin(v)]++;
    return bins.histogram(counts);
  }
}
