package org.featureatlas.train;

import org.featureatlas.check.Check;

/**
 * Fixes libtorch's thread counts, which must happen before DJL's engine starts: training results
 * are bit-for-bit reproducible only for a fixed intra-op thread count (reductions split by thread).
 */
public final class TrainingThreads {
  private TrainingThreads() {}

  /** Sets {@code threads} intra-op threads and one inter-op thread for this JVM's libtorch. */
  public static void set(int threads) {
    Check.positive(threads, "thread count");
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
  }
}
