package org.featureatlas.generate;

import org.featureatlas.check.Check;

/**
 * Fixed batches of consecutive sequences: batch b holds sequences {@code [b * size, min((b + 1) * size, S))}.
 * Shards are contiguous runs of whole batches, so every batch is computed identically whether the run
 * is sharded or not.
 */
record BatchPlan(int nSequences, int batchSize) {
  BatchPlan {
    Check.positive(batchSize, "--batch-size");
  }

  int batches() {
    return (nSequences + batchSize - 1) / batchSize;
  }

  int firstSequence(int b) {
    return b * batchSize;
  }

  int sequences(int b) {
    return Math.min(batchSize, nSequences - b * batchSize);
  }

  /** First batch of shard {@code i} of {@code n}; shard i covers [shardStart(i), shardStart(i + 1)). */
  int shardStart(int i, int n) {
    return (int) ((long) batches() * i / n);
  }
}
