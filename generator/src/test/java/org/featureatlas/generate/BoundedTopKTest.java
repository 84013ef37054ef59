package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link BoundedTopK} against a brute-force sort of everything offered. */
class BoundedTopKTest {
  record Entry(double score, long key, long id, float value) {}

  /** The stated order, written out independently: score (or unsigned key), then id. */
  static Comparator<Entry> order(BoundedTopK.Order order) {
    Comparator<Entry> byScore = switch (order) {
      // Double.compare would order -0.0 before 0.0; the lists tie them, so compare as == does.
      case LARGEST -> (a, b) -> a.score() == b.score() ? 0 : a.score() > b.score() ? -1 : 1;
      case SMALLEST -> (a, b) -> a.score() == b.score() ? 0 : a.score() < b.score() ? -1 : 1;
      case SMALLEST_KEY -> (a, b) -> Long.compareUnsigned(a.key(), b.key());
    };
    return byScore.thenComparingLong(Entry::id);
  }

  /** The first k of a stable sort of {@code offered}. */
  static List<Entry> bruteForce(List<Entry> offered, int k, BoundedTopK.Order order) {
    List<Entry> sorted = new ArrayList<>(offered);
    sorted.sort(order(order)); // List.sort is stable
    List<Entry> out = new ArrayList<>();
    boolean key = order == BoundedTopK.Order.SMALLEST_KEY;
    for (Entry e : sorted.subList(0, Math.min(k, sorted.size()))) {
      out.add(new Entry(key ? 0.0 : e.score(), key ? e.key() : 0L, e.id(), e.value())); // what the list holds
    }
    return out;
  }

  static void offer(BoundedTopK t, int list, Entry e) {
    if (t.order == BoundedTopK.Order.SMALLEST_KEY) t.offerKey(list, e.key(), e.id(), e.value());
    else t.offer(list, e.score(), e.id(), e.value());
  }

  static List<Entry> list(BoundedTopK t, int list) {
    List<Entry> out = new ArrayList<>();
    for (int r = 0; r < t.size(list); r++) {
      boolean key = t.order == BoundedTopK.Order.SMALLEST_KEY;
      out.add(new Entry(key ? 0.0 : t.score(list, r), key ? t.key(list, r) : 0L, t.id(list, r), t.value(list, r)));
    }
    return out;
  }

  /** Scores from a handful of values (many ties, both zeros, infinities) or keys spanning the sign bit. */
  static List<Entry> entries(Random rnd, int n, boolean distinctIds) {
    double[] scores = {-0.0, 0.0, 1.5, -2.25, 3.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300};
    long[] keys = {0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 42L};
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double s = rnd.nextInt(3) == 0 ? rnd.nextGaussian() : scores[rnd.nextInt(scores.length)];
      long key = rnd.nextInt(3) == 0 ? rnd.nextLong() : keys[rnd.nextInt(keys.length)];
      long id = distinctIds ? i : rnd.nextInt(4) - 2L;
      out.add(new Entry(s, key, id, rnd.nextFloat()));
    }
    return out;
  }

  @Test
  void everyOrderMatchesAStableSortWithTiesAndDuplicates() {
    Random rnd = new Random(7);
    for (BoundedTopK.Order order : BoundedTopK.Order.values()) {
      for (int trial = 0; trial < 300; trial++) {
        int k = rnd.nextInt(7);
        List<Entry> offered = entries(rnd, rnd.nextInt(40), trial % 2 == 0);
        BoundedTopK t = new BoundedTopK(1, k, order, true);
        for (Entry e : offered) offer(t, 0, e);
        List<Entry> want = bruteForce(offered, k, order);
        List<Entry> got = list(t, 0);
        assertEquals(want.size(), got.size(), order + " trial " + trial);
        for (int r = 0; r < want.size(); r++) {
          Entry w = want.get(r);
          Entry g = got.get(r);
          // Bits, so -0.0 and 0.0 come back as they were offered.
          assertEquals(Double.doubleToRawLongBits(w.score()), Double.doubleToRawLongBits(g.score()), order + " trial " + trial + " #" + r);
          assertEquals(w.key(), g.key());
          assertEquals(w.id(), g.id());
          assertEquals(w.value(), g.value());
        }
      }
    }
  }

  @Test
  void distinctEntriesGiveTheSameListsWhateverTheOfferOrderAndSplit() {
    Random rnd = new Random(11);
    for (BoundedTopK.Order order : BoundedTopK.Order.values()) {
      for (int trial = 0; trial < 100; trial++) {
        int lists = 1 + rnd.nextInt(3);
        int k = 1 + rnd.nextInt(5);
        List<List<Entry>> offered = new ArrayList<>();
        for (int j = 0; j < lists; j++) offered.add(entries(rnd, rnd.nextInt(30), true));
        BoundedTopK whole = new BoundedTopK(lists, k, order, true);
        BoundedTopK first = new BoundedTopK(lists, k, order, true);
        BoundedTopK second = new BoundedTopK(lists, k, order, true);
        for (int j = 0; j < lists; j++) {
          for (Entry e : offered.get(j)) offer(whole, j, e);
          List<Entry> shuffled = new ArrayList<>(offered.get(j));
          Collections.shuffle(shuffled, rnd);
          int cut = rnd.nextInt(shuffled.size() + 1);
          for (Entry e : shuffled.subList(0, cut)) offer(first, j, e);
          for (Entry e : shuffled.subList(cut, shuffled.size())) offer(second, j, e);
        }
        first.merge(second);
        for (int j = 0; j < lists; j++) {
          assertEquals(bruteForce(offered.get(j), k, order), list(whole, j), order + " trial " + trial);
          assertEquals(list(whole, j), list(first, j), order + " trial " + trial + " merged");
        }
      }
    }
  }

  @Test
  void tiesGoToTheLowerIdAndEqualEntriesKeepTheirOfferOrder() {
    BoundedTopK t = new BoundedTopK(1, 3, BoundedTopK.Order.LARGEST, true);
    t.offer(0, 2.0, 9, 1f);
    t.offer(0, 2.0, 4, 2f);
    t.offer(0, 2.0, 4, 3f); // same score and id: after the first (4, 2f)
    t.offer(0, 2.0, 7, 4f); // displaces 9
    assertEquals(List.of(4L, 4L, 7L), List.of(t.id(0, 0), t.id(0, 1), t.id(0, 2)));
    assertEquals(List.of(2f, 3f, 4f), List.of(t.value(0, 0), t.value(0, 1), t.value(0, 2)));
    assertFalse(t.offer(0, 2.0, 7, 5f), "an equal entry does not displace the last");
    assertTrue(t.offer(0, 2.5, 100, 6f));
    assertEquals(100L, t.id(0, 0));
  }

  @Test
  void minusZeroTiesWithZeroAndComesBackAsOffered() {
    BoundedTopK t = new BoundedTopK(1, 2, BoundedTopK.Order.SMALLEST, false);
    t.offer(0, 0.0, 5);
    t.offer(0, -0.0, 6); // ties with 0.0: goes after it by id
    t.offer(0, -0.0, 7); // not before the last: dropped
    assertEquals(5L, t.id(0, 0));
    assertEquals(6L, t.id(0, 1));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(t.score(0, 1)));
  }

  @Test
  void unsignedKeysPutTheSignBitLast() {
    BoundedTopK t = new BoundedTopK(1, 2, BoundedTopK.Order.SMALLEST_KEY, true);
    t.offerKey(0, -1L, 0, 0f); // 2^64 - 1, the largest
    t.offerKey(0, Long.MIN_VALUE, 1, 0f);
    t.offerKey(0, 3L, 2, 0f);
    assertEquals(3L, t.key(0, 0));
    assertEquals(Long.MIN_VALUE, t.key(0, 1));
  }

  @Test
  void boundIsTheLastScoreOnceFull() {
    BoundedTopK low = new BoundedTopK(1, 2, BoundedTopK.Order.SMALLEST, false);
    BoundedTopK high = new BoundedTopK(1, 2, BoundedTopK.Order.LARGEST, false);
    assertEquals(Double.POSITIVE_INFINITY, low.bound(0));
    assertEquals(Double.NEGATIVE_INFINITY, high.bound(0));
    for (double s : new double[] {3, 1, 2}) {
      low.offer(0, s, 0);
      high.offer(0, s, 0);
    }
    assertEquals(2.0, low.bound(0));
    assertEquals(2.0, high.bound(0));
    low.clear(0);
    assertEquals(0, low.size(0));
    assertEquals(Double.POSITIVE_INFINITY, low.bound(0));
  }

  @Test
  void emptyListsKeepNothing() {
    BoundedTopK t = new BoundedTopK(2, 0, BoundedTopK.Order.LARGEST, false);
    assertFalse(t.offer(1, 1.0, 1));
    assertEquals(0, t.size(1));
    assertThrows(IndexOutOfBoundsException.class, () -> t.id(1, 0));
  }

  @Test
  void refusesListsLargerThanAnArrayAndMismatchedMerges() {
    assertThrows(org.featureatlas.check.AtlasException.class,
        () -> new BoundedTopK(1 << 24, 1 << 8, BoundedTopK.Order.LARGEST, false));
    BoundedTopK a = new BoundedTopK(2, 3, BoundedTopK.Order.LARGEST, false);
    assertThrows(IllegalArgumentException.class, () -> a.merge(new BoundedTopK(2, 3, BoundedTopK.Order.SMALLEST, false)));
    assertThrows(IllegalArgumentException.class, () -> a.merge(new BoundedTopK(2, 4, BoundedTopK.Order.LARGEST, false)));
  }
}
