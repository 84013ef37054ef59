package org.featureatlas.generate;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * A cluster engine that runs a {@link PartitionedRun} (the Spark module's, found with {@link java.util.ServiceLoader}
 * when its jar is on the class path: {@code make spark}, docs/spark.md). {@code atlas generate --spark MASTER}
 * hands its request here.
 */
public interface ClusterEngine {
  /** How to run: the engine's master URL, the shared work directory, the split, the executors' budget, engine settings. */
  record Options(String master, String work, Integer partitions, Integer featureBlocks, MemoryBudget memory,
      Map<String, String> conf) {
    public Options {
      conf = conf == null ? Map.of() : Map.copyOf(conf);
    }
  }

  /** Generates the data directory {@code out} (replaced atomically; nothing is left behind on failure). */
  void generate(GenerateRequest req, Path out, Options options, PrintStream log);
}
