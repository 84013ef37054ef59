package org.featureatlas.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code atlas generate --spark local[...]}: Spark runs the job in this JVM (two executor threads), through the
 * launcher's command line and the ClusterEngine lookup, and writes the single-process run's data directory byte for byte,
 * also when tasks fail once and are retried; a job that fails for good leaves neither output nor work directory.
 */
class SparkGenerationTest {
  @TempDir
  static Path dir;

  static SparkInputs in;
  static Path single;

  @BeforeAll
  static void singleProcessRun() {
    in = new SparkInputs(dir, 41);
    single = dir.resolve("single");
    SparkInputs.Result r = in.generate(single);
    assertEquals(0, r.rc(), r.err());
  }

  @Test
  void localSparkWritesTheSingleRunsBytes() throws IOException {
    Path out = dir.resolve("spark");
    SparkInputs.Result r = in.generate(out, "--spark", "local[2]", "--partitions", "3", "--feature-blocks", "3",
        "--spark-conf", "spark.ui.enabled=false");
    assertEquals(0, r.rc(), r.err());
    SparkInputs.assertSameTree(single, out);
    // The work directory beside the output is gone.
    assertEquals(List.of("model", "sae", "sae-b", "single", "spark", "tokens.npy"),
        SparkInputs.names(dir).stream().filter(n -> List.of("cancelled", "failed", "retried", "submitted", "work").stream().noneMatch(n::startsWith)).toList());
  }

  @Test
  void tasksThatFailOnceAreRetriedAndTheBytesAreTheSame() throws IOException {
    // local[2,2]: two threads, and a failed task is tried again once. The first attempt of pass A's partition 1 and
    // of feature block 2 fail after committing their output, so the retries replace it. The work directory is a
    // file:// URI, so the tasks and the driver go through Hadoop's FileSystem API (copies, renames) as on HDFS.
    Path out = dir.resolve("retried");
    Path work = Files.createDirectories(dir.resolve("work-retried"));
    SparkInputs.Result r = in.generate(out, "--spark", "local[2,2]", "--partitions", "3", "--feature-blocks", "3",
        "--spark-work", work.toUri().toString(), "--spark-conf", "spark.ui.enabled=false",
        "--spark-conf", Faults.SETTING + "=pass-a:1,blocks:2");
    assertEquals(0, r.rc(), r.err());
    SparkInputs.assertSameTree(single, out);
    assertEquals(List.of(), SparkInputs.names(work), "the run's work directory is deleted");
  }

  @Test
  void aJobThatFailsForGoodLeavesNothing() throws IOException {
    Path out = dir.resolve("failed");
    Path work = Files.createDirectories(dir.resolve("work-failed"));
    SparkInputs.Result r = in.generate(out, "--spark", "local[2,2]", "--partitions", "2", "--feature-blocks", "3",
        "--spark-work", work.toString(), "--spark-conf", "spark.ui.enabled=false",
        "--spark-conf", Faults.SETTING + "=blocks:1:always");
    assertEquals(2, r.rc(), r.err());
    assertTrue(r.err().contains("atlas: error: the Spark job failed: Job aborted due to stage failure"), r.err());
    assertTrue(r.err().contains("injected failure: blocks partition 1"), r.err());
    assertFalse(Files.exists(out), "no partial data directory");
    assertEquals(List.of(), SparkInputs.names(work), "the run's work directory is deleted");
    assertTrue(SparkInputs.names(dir).stream().noneMatch(n -> n.startsWith(".failed.")), "nothing beside the output: " + SparkInputs.names(dir));
  }

  @Test
  void aCancelledJobLeavesNothing() throws Exception {
    // Pass A's partition 1 commits its shard, then waits; the test cancels the job meanwhile, as Ctrl-C in the
    // Spark UI or a SparkContext.cancelAllJobs() from the application would.
    Path out = dir.resolve("cancelled");
    Path work = Files.createDirectories(dir.resolve("work-cancelled"));
    SparkInputs.Result[] result = new SparkInputs.Result[1];
    Thread run = new Thread(() -> result[0] = in.generate(out, "--spark", "local[2]", "--partitions", "2",
        "--spark-work", work.toString(), "--spark-conf", "spark.ui.enabled=false",
        "--spark-conf", Faults.SETTING + "=pass-a:1:hold"));
    run.start();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!committedShard(work, 1)) {
      assertTrue(System.nanoTime() < deadline && run.isAlive(), "pass A's partition 1 never committed its shard");
      Thread.sleep(100);
    }
    org.apache.spark.SparkContext.getOrCreate().cancelAllJobs(); // the running one
    run.join(120_000);
    assertFalse(run.isAlive(), "the cancelled run did not end");
    assertEquals(2, result[0].rc(), result[0].err());
    assertTrue(result[0].err().contains("atlas: error: the Spark job failed: ") && result[0].err().contains("Job 0 cancelled"),
        result[0].err());
    assertFalse(Files.exists(out), "no partial data directory");
    assertEquals(List.of(), SparkInputs.names(work), "the run's work directory is deleted");
  }

  private static boolean committedShard(Path work, int shard) throws IOException {
    for (String run : SparkInputs.names(work)) {
      if (Files.isDirectory(work.resolve(run).resolve("shards/shard-" + shard))) return true;
    }
    return false;
  }

  @Test
  void theSparkSubmitEntryPointRunsTheSameJob() throws IOException {
    // spark-submit passes its settings as spark.* system properties; the entry point takes the master from them.
    Path out = dir.resolve("submitted");
    System.setProperty("spark.master", "local[2]");
    System.setProperty("spark.ui.enabled", "false");
    try {
      int rc = SubmitMain.run(new String[] {"--model", in.model.toString(), "--sae", in.sae.toString(), "--sae-b",
          in.saeB.toString(), "--tokens", in.tokens.toString(), "--batch-size", "3", "--seed", "7", "--device", "cpu",
          "--out", out.toString(), "--partitions", "2", "--feature-blocks", "2"});
      assertEquals(0, rc);
    } finally {
      System.clearProperty("spark.master");
      System.clearProperty("spark.ui.enabled");
    }
    SparkInputs.assertSameTree(single, out);
  }

  @Test
  void sparkOptionsNeedSpark() {
    SparkInputs.Result r = in.generate(dir.resolve("x"), "--partitions", "3");
    assertEquals(2, r.rc(), r.err());
    assertTrue(r.err().contains("--spark-work, --spark-conf, --partitions and --feature-blocks go with --spark"), r.err());
    r = in.generate(dir.resolve("x"), "--spark", "local[1]", "--shard", "0/2");
    assertEquals(2, r.rc(), r.err());
    assertTrue(r.err().contains("--spark and --shard do not go together"), r.err());
  }
}
