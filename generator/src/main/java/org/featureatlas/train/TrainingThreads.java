package org.featureatlas.train;

import org.featureatlas.check.Check;

/**
 * Fixes libtorch's thread counts, which must happen before DJL's engine starts. With one intra-op
 * thread a training run repeats bit for bit for a given seed. With more, matrix products still
 * split their sums the same way, but the gradient of an indexed read (the token embedding's
 * {@code wte[ids]}, the SAE's active decoder rows) is accumulated on the CPU by parallel atomic
 * adds once it exceeds libtorch's grain size, so repeated ids add in a varying order: the last bits
 * of the weights differ from run to run and the reported figures agree to 3-5 digits.
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
