package org.featureatlas.train;

import java.util.Random;
import org.featureatlas.check.Check;

/**
 * The order training visits items: epoch after epoch, each a fresh Fisher-Yates shuffle of
 * {@code 0..count-1} drawn from one {@link Random} seeded with {@code seed} (its algorithm is fixed
 * by the Java specification, so the order is the same on every JVM).
 */
public final class BatchOrder {
  private final int[] order;
  private final Random random;
  private int next;
  private int epoch;

  public BatchOrder(int count, long seed) {
    Check.positive(count, "item count");
    this.order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    this.random = new Random(seed);
    shuffle();
  }

  /** The next {@code size} items; an epoch that runs out is followed by a new shuffle. */
  public int[] next(int size) {
    int[] batch = new int[size];
    for (int i = 0; i < size; i++) {
      if (next == order.length) {
        shuffle();
        epoch++;
      }
      batch[i] = order[next++];
    }
    return batch;
  }

  /** Completed passes over all items. */
  public int epoch() {
    return epoch;
  }

  private void shuffle() {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    next = 0;
  }
}
