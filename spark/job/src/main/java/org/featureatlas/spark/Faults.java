package org.featureatlas.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * Failures injected by tests, through the Spark setting {@value #SETTING} = {@code STAGE:PARTITION} (the first
 * attempt of that task fails after its output is committed, so the retry must replace it) or
 * {@code STAGE:PARTITION:always} (every attempt fails: the job fails for good) or {@code STAGE:PARTITION:hold} (the
 * task waits until it is killed, for a test to cancel the job meanwhile). STAGE is {@code pass-a} or
 * {@code blocks}; several, separated by commas, may be given. Unset, nothing happens.
 */
final class Faults {
  static final String SETTING = "spark.atlas.test.fault";

  private Faults() {}

  /** Waits until Spark kills the task (its job was cancelled), then ends it as killed. */
  private static void hold(TaskContext task) {
    while (!task.isInterrupted()) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new org.apache.spark.TaskKilledException("job cancelled");
  }

  static void after(String stage, TaskContext task) {
    SparkEnv env = SparkEnv.get();
    String fault = env == null ? null : env.conf().get(SETTING, null);
    if (fault == null) return;
    for (String one : fault.split(",")) {
      String[] parts = one.trim().split(":");
      String mode = parts.length > 2 ? parts[2] : "once";
      if (!parts[0].equals(stage) || Integer.parseInt(parts[1]) != task.partitionId()) continue;
      if (mode.equals("hold")) hold(task);
      if (mode.equals("always") || task.attemptNumber() == 0) {
        throw new IllegalStateException("injected failure: " + stage + " partition " + task.partitionId() + " attempt "
            + task.attemptNumber());
      }
    }
  }
}
