package org.featureatlas.generate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A per-feature statistic accumulated over batches of non-zero activations. Its life: {@link #add} every
 * batch of its pass (in position order), {@link #merge} the states of other shards, {@link #write} and
 * {@link #read} them in a shard's state file, and {@link #contribute} its fields to each feature's record.
 * Adding a statistic is writing one class and registering it in {@link Statistics}.
 */
interface Statistic extends RecordPart {
  /**
   * Adds one batch: {@code f} holds its non-zero activations, and its row {@code r} is the dataset
   * position {@code firstPosition + r} (position = {@code s * T + t}).
   */
  void add(SparseBatch f, long firstPosition);

  /**
   * Adds {@code other}'s state: a statistic of the same class and sizes that saw the batches after this
   * one's. The result is what one statistic adding all those batches in order would hold, up to the
   * grouping of floating-point sums.
   */
  void merge(Statistic other);

  /** Writes the state (sizes first), big-endian through {@link StateIO}. */
  void write(DataOutputStream out) throws IOException;

  /**
   * Replaces this new statistic's state by one that {@link #write} wrote; an {@link IOException} when the
   * stream is short or its sizes differ from this statistic's.
   */
  void read(DataInputStream in) throws IOException;

  /** {@code other} as a {@code type}, for {@link #merge}: same class required. */
  static <T extends Statistic> T same(Class<T> type, Statistic other) {
    if (!type.isInstance(other)) {
      throw new IllegalArgumentException("cannot merge " + other.getClass().getSimpleName() + " into " + type.getSimpleName());
    }
    return type.cast(other);
  }
}
