package org.featureatlas.generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The positions shown for each feature: its top examples and each interval's samples, each list ordered
 * by activation descending, ties by position ascending.
 */
final class Selection {
  /** One shown position of one feature. */
  record Ref(int feature, long pos, float act) {}

  static final Comparator<Ref> SHOWN_ORDER =
      Comparator.comparing((Ref r) -> -r.act()).thenComparingLong(Ref::pos);

  final List<List<Ref>> top;
  final List<List<List<Ref>>> intervals;

  private Selection(List<List<Ref>> top, List<List<List<Ref>>> intervals) {
    this.top = top;
    this.intervals = intervals;
  }

  static Selection of(TopExamples topExamples, IntervalStats stats) {
    int dSae = topExamples.dSae;
    List<List<Ref>> top = new ArrayList<>(dSae);
    List<List<List<Ref>>> intervals = new ArrayList<>(dSae);
    for (int i = 0; i < dSae; i++) {
      top.add(topExamples.refs(i));
      List<List<Ref>> byInterval = new ArrayList<>(stats.nIntervals);
      for (int j = 0; j < stats.nIntervals; j++) byInterval.add(stats.samples(i, j));
      intervals.add(byInterval);
    }
    return new Selection(top, intervals);
  }

  /** Every distinct shown (feature, position), sorted by position then feature. */
  List<Ref> distinct() {
    java.util.TreeMap<Long, java.util.TreeMap<Integer, Ref>> byPos = new java.util.TreeMap<>();
    for (List<Ref> l : top) for (Ref r : l) byPos.computeIfAbsent(r.pos(), k -> new java.util.TreeMap<>()).put(r.feature(), r);
    for (List<List<Ref>> f : intervals) for (List<Ref> l : f) for (Ref r : l) {
      byPos.computeIfAbsent(r.pos(), k -> new java.util.TreeMap<>()).put(r.feature(), r);
    }
    List<Ref> out = new ArrayList<>();
    for (var e : byPos.values()) out.addAll(e.values());
    return out;
  }
}
