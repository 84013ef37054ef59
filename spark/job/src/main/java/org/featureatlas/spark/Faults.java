package org.featureatlas.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * Failures injected by tests, through the Spark setting {@value #SETTING} = {@code STAGE:PARTITION} (the first
 * attempt of that task fails after its output is committed, so the retry must replace it) or
 * {@code STAGE:PARTITION:always} (every attempt fails: the job fails for good). STAGE is {@code pass-a} or
 * {@code blocks}; several, separated by commas, may be given. Unset, nothing happens.
 */
final class Faults {
  static final String SETTING = "spark.atlas.test.fault";

  private Faults() {}

  static void after(String stage, TaskContext task) {
    SparkEnv env = SparkEnv.get();
    String fault = env == null ? null : env.conf().get(SETTING, null);
    if (fault == null) return;
    for (String one : fault.split(",")) {
      String[] parts = one.trim().split(":");
      boolean always = parts.length > 2 && parts[2].equals("always");
      if (parts[0].equals(stage) && Integer.parseInt(parts[1]) == task.partitionId() && (always || task.attemptNumber() == 0)) {
        throw new IllegalStateException("injected failure: " + stage + " partition " + task.partitionId() + " attempt "
            + task.attemptNumber());
      }
    }
  }
}
