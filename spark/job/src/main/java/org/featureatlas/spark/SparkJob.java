package org.featureatlas.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.featureatlas.check.AtlasException;
import org.featureatlas.fs.TempDirs;
import org.featureatlas.generate.ClusterEngine;
import org.featureatlas.generate.GenerateRequest;
import org.featureatlas.generate.PartitionedRun;
import org.featureatlas.progress.Stages;

/**
 * The driver's side of a run on Spark: a job for pass A (one partition, one task, per shard of the batches), the
 * merge of the shards' states on the driver, a job for the feature blocks (one task per block), and the data
 * directory assembled on the driver. Nothing is written to {@code out} before the last step, which replaces it
 * atomically; the shared work directory and the driver's scratch are deleted however the run ends.
 */
public final class SparkJob {
  private SparkJob() {}

  public static void run(JavaSparkContext jsc, GenerateRequest req, Path out, ClusterEngine.Options options, PrintStream log) {
    Stages stages = new Stages();
    PartitionedRun run = PartitionedRun.driver(req, out, options.memory(), stages, log);
    String json = Tasks.json(req);
    Long memory = options.memory() == null ? null : options.memory().bytes();
    Configuration conf = jsc.hadoopConfiguration();
    SharedDir work = SharedDir.create(options.work(), out, conf);
    Path local = TempDirs.create(out, "work");
    // Ctrl-C or SIGTERM on the driver: the shared work directory goes too (the local ones are TempDirs').
    Thread cleanup = new Thread(() -> {
      try {
        work.delete(conf);
      } catch (RuntimeException e) {
        System.err.println("atlas: could not delete the work directory " + work + " (" + e.getMessage() + ")");
      }
    }, "atlas-spark-work-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      int shards = run.partitions(options.partitions() != null ? options.partitions() : jsc.defaultParallelism());
      List<int[]> blocks = run.blocks(options.featureBlocks() != null ? options.featureBlocks() : jsc.defaultParallelism());
      log.printf("spark %s: pass A in %d partitions of %d batches, then %d feature blocks of %d features; work directory %s%n",
          jsc.master(), shards, run.batches(), blocks.size(), run.dSae(), work);
      jsc.setJobDescription("atlas: pass A");
      stages.run("spark: pass A", () ->
          jsc.parallelize(IntStream.range(0, shards).boxed().toList(), shards).foreach(i -> Tasks.shard(json, memory, work, i, shards)));
      Path state = local.resolve(Tasks.STATE);
      stages.run("spark: merge states", () -> {
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
          // The driver reads the shards' descriptions and states, not their caches.
          Path dir = fetch(work, Tasks.SHARD_DIR + i + "/shard.json", local, conf).getParent();
          fetch(work, Tasks.SHARD_DIR + i + "/" + Tasks.STATE, local, conf);
          dirs.add(dir);
        }
        run.mergeStates(dirs, state);
        put(work, state, conf);
      });
      jsc.setJobDescription("atlas: feature blocks");
      stages.run("spark: feature blocks", () ->
          jsc.parallelize(blocks, blocks.size()).foreach(b -> Tasks.block(json, memory, work, shards, b[0], b[1])));
      List<Path> blockDirs = new ArrayList<>();
      for (int[] b : blocks) blockDirs.add(fetch(work, Tasks.BLOCK_DIR + b[0], local, conf));
      run.assemble(blockDirs, out);
    } catch (Exception e) { // Spark's SparkException is a checked exception that Scala throws undeclared
      throw failed(e);
    } finally {
      WorkerPool.closeIdle();
      try {
        work.delete(conf);
      } finally {
        TempDirs.delete(local);
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or about to: it deletes what is left
        }
      }
    }
    log.printf("wrote %d features to %s%n", run.dSae(), out);
    stages.print(log);
  }

  private static Path fetch(SharedDir work, String rel, Path local, Configuration conf) {
    try {
      return work.fetch(rel, local, conf);
    } catch (IOException e) {
      throw new UncheckedIOException(work + "/" + rel + ": cannot read it", e);
    }
  }

  private static void put(SharedDir work, Path file, Configuration conf) {
    try {
      work.putFile(file, Tasks.STATE, conf);
    } catch (IOException e) {
      throw new UncheckedIOException(work + "/" + Tasks.STATE + ": cannot write it", e);
    }
  }

  /**
   * A failed job as one line: the atlas's own error when a task failed with one (bad input, a budget too small),
   * else Spark's reason (its first line).
   */
  static RuntimeException failed(Exception e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof AtlasException a) return a;
    }
    if (e.getClass().getName().startsWith("org.apache.spark")) {
      String m = String.valueOf(e.getMessage());
      int nl = m.indexOf('\n');
      return new AtlasException("the Spark job failed: " + (nl < 0 ? m : m.substring(0, nl)), e);
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(e);
  }
}
