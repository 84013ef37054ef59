package org.featureatlas.spark;

import java.util.ArrayList;
import java.util.List;
import org.featureatlas.cli.Atlas;

/**
 * The {@code spark-submit} entry point: {@code spark-submit --class org.featureatlas.spark.SubmitMain ... atlas-spark.jar
 * GENERATE_OPTIONS}, where GENERATE_OPTIONS are {@code atlas generate}'s (without {@code --spark}: the master is
 * spark-submit's). Exits as {@code atlas} does (0, 2 for bad input and failed jobs, 1 for internal errors).
 */
public final class SubmitMain {
  private SubmitMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs {@code atlas generate ARGS --spark <spark.master>} and returns its exit code. */
  static int run(String[] args) {
    String master = System.getProperty("spark.master");
    if (master == null) {
      System.err.println("atlas: error: no spark.master: run this class with spark-submit, or use `atlas generate --spark MASTER`");
      return 2;
    }
    List<String> all = new ArrayList<>(List.of("generate"));
    all.addAll(List.of(args));
    all.addAll(List.of("--spark", master));
    return Atlas.execute(all.toArray(String[]::new));
  }
}
