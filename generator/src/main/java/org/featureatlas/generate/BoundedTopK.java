package org.featureatlas.generate;

import org.featureatlas.check.Check;

/**
 * Bounded top-k lists, many at once in flat arrays (one list per feature, or per (feature, interval)
 * slot): list {@code j} keeps at most {@code k} entries, best first. An entry is a score and an id, plus a
 * float value carried along when the lists were made {@code withValues}. Every bounded top-k of the
 * generation stage is one of these.
 *
 * <p>Order: by score, largest first ({@link Order#LARGEST}) or smallest first ({@link Order#SMALLEST});
 * or by a 64-bit key read as unsigned, smallest first ({@link Order#SMALLEST_KEY}); ties by id ascending.
 * Double scores compare as Java's {@code >}, {@code <} and {@code ==} do, so {@code -0.0} and {@code 0.0}
 * tie (and each is reported back as it was offered). An offered entry is kept when its list is not full
 * or it ranks strictly before the list's last entry, and it goes after every entry it does not rank
 * strictly before. So a list is the first {@code k} entries of a stable sort of what was offered to it;
 * when no two offered entries tie on both score and id, that depends only on the set offered, whatever
 * the order of the offers and however they were split between lists that were then {@link #merge
 * merged}. Callers keep NaN scores out: a NaN ranks neither before nor after anything.
 *
 * <p>Not thread-safe; each list costs {@code 16 k} bytes ({@code 20 k} with values).
 */
final class BoundedTopK {
  /** How entries rank. */
  enum Order {
    /** Largest double score first. */
    LARGEST,
    /** Smallest double score first. */
    SMALLEST,
    /** Smallest key first, keys compared as unsigned 64-bit integers. */
    SMALLEST_KEY
  }

  final int lists;
  final int k;
  final Order order;
  private final int[] size;
  /** The scores' raw double bits ({@link Order#SMALLEST_KEY}: the keys), [lists * k]. */
  private final long[] score;
  private final long[] id;
  private final float[] value; // [lists * k], or null

  BoundedTopK(int lists, int k, Order order, boolean withValues) {
    Check.that(lists >= 0 && k >= 0, "top-k lists need lists >= 0 and k >= 0, got " + lists + " x " + k);
    Check.that((long) lists * k <= Integer.MAX_VALUE - 8,
        "top-k lists of " + lists + " x " + k + " entries are larger than one array holds");
    this.lists = lists;
    this.k = k;
    this.order = order;
    size = new int[lists];
    score = new long[lists * k];
    id = new long[lists * k];
    value = withValues ? new float[lists * k] : null;
  }

  /** Offers (score, id) to list {@code list} (lists without values); true when kept. */
  boolean offer(int list, double score, long id) {
    return insert(list, Double.doubleToRawLongBits(score), id, 0f);
  }

  /** Offers (score, id) carrying {@code value} (lists with values); true when kept. */
  boolean offer(int list, double score, long id, float value) {
    return insert(list, Double.doubleToRawLongBits(score), id, value);
  }

  /** Offers (key, id) carrying {@code value} to a {@link Order#SMALLEST_KEY} list; true when kept. */
  boolean offerKey(int list, long key, long id, float value) {
    return insert(list, key, id, value);
  }

  private boolean insert(int list, long s, long i, float v) {
    int base = list * k;
    int n = size[list];
    if (n == k && (k == 0 || !before(s, i, base + n - 1))) return false;
    int at = n == k ? n - 1 : n;
    while (at > 0 && before(s, i, base + at - 1)) {
      score[base + at] = score[base + at - 1];
      id[base + at] = id[base + at - 1];
      if (value != null) value[base + at] = value[base + at - 1];
      at--;
    }
    score[base + at] = s;
    id[base + at] = i;
    if (value != null) value[base + at] = v;
    if (n < k) size[list] = n + 1;
    return true;
  }

  /** True when the entry (s, i) ranks strictly before the one stored at {@code at}. */
  private boolean before(long s, long i, int at) {
    long t = score[at];
    switch (order) {
      case LARGEST: {
        double a = Double.longBitsToDouble(s);
        double b = Double.longBitsToDouble(t);
        return a > b || (a == b && i < id[at]);
      }
      case SMALLEST: {
        double a = Double.longBitsToDouble(s);
        double b = Double.longBitsToDouble(t);
        return a < b || (a == b && i < id[at]);
      }
      default: {
        int c = Long.compareUnsigned(s, t);
        return c < 0 || (c == 0 && i < id[at]);
      }
    }
  }

  int size(int list) {
    return size[list];
  }

  boolean full(int list) {
    return size[list] == k;
  }

  /** The score of entry {@code r} (0 = best) of list {@code list}, exactly as offered. */
  double score(int list, int r) {
    return Double.longBitsToDouble(score[at(list, r)]);
  }

  /** The key of entry {@code r} of a {@link Order#SMALLEST_KEY} list. */
  long key(int list, int r) {
    return score[at(list, r)];
  }

  long id(int list, int r) {
    return id[at(list, r)];
  }

  float value(int list, int r) {
    return value[at(list, r)];
  }

  /**
   * The score an entry must beat to be kept in list {@code list} (a double order): the last entry's
   * when the list is full, else -infinity ({@link Order#LARGEST}) or +infinity ({@link Order#SMALLEST}).
   * An entry whose score does not beat it is kept only by a tie on id, never when ids are offered in
   * ascending order.
   */
  double bound(int list) {
    if (size[list] < k || k == 0) {
      return order == Order.LARGEST ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return score(list, k - 1);
  }

  /** Empties list {@code list}. */
  void clear(int list) {
    size[list] = 0;
  }

  /** Offers every entry of {@code other}'s list j to list j, best first; both have the same shape. */
  void merge(BoundedTopK other) {
    if (other.lists != lists || other.k != k || other.order != order || (other.value == null) != (value == null)) {
      throw new IllegalArgumentException("top-k lists " + other.lists + " x " + other.k + " " + other.order
          + " do not merge into " + lists + " x " + k + " " + order);
    }
    for (int j = 0; j < lists; j++) {
      for (int r = 0; r < other.size[j]; r++) {
        int o = j * k + r;
        insert(j, other.score[o], other.id[o], other.value == null ? 0f : other.value[o]);
      }
    }
  }

  private int at(int list, int r) {
    if (r < 0 || r >= size[list]) throw new IndexOutOfBoundsException("entry " + r + " of a list of " + size[list]);
    return list * k + r;
  }
}
