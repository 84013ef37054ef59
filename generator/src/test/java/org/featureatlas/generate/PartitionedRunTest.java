package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.check.AtlasException;
import org.featureatlas.progress.Stages;
import org.featureatlas.sae.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run split as a cluster runs it (pass A per partition, merged states, feature blocks, assembled feature files),
 * with every task run here in turn, writes the single run's data directory byte for byte.
 */
class PartitionedRunTest {
  @TempDir
  Path dir;

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  static GenerateRequest request(TinyInputs in) {
    return new GenerateRequest(in.model, in.sae, in.saeB, in.tokens, null, null, "cpu", 3, 7, null,
        GenerateSettings.defaults(), false);
  }

  /** Runs every task of a partitioned run, shards in reverse order, and assembles {@code out}. */
  static void partitioned(GenerateRequest req, Path work, Path out, int partitions, int blocks) throws IOException {
    PartitionedRun run = PartitionedRun.driver(req, out, null, new Stages(), QUIET);
    int n = run.partitions(partitions);
    List<Path> shards = new ArrayList<>();
    try (PartitionedRun.Worker w = new PartitionedRun.Worker(req, null, true, new Stages(), QUIET)) {
      for (int i = n - 1; i >= 0; i--) {
        Path shard = Files.createDirectories(work.resolve("shard-" + i));
        w.shard(i, n, shard);
        shards.add(shard);
      }
    }
    Path state = work.resolve("state.bin");
    run.mergeStates(shards, state);
    List<Path> caches = new ArrayList<>();
    for (int i = 0; i < n; i++) caches.add(work.resolve("shard-" + i).resolve(ShardInfo.CACHE));
    List<Path> blockDirs = new ArrayList<>();
    try (PartitionedRun.Worker w = new PartitionedRun.Worker(req, null, false, new Stages(), QUIET)) {
      for (int[] b : run.blocks(blocks)) {
        Path blockDir = Files.createDirectories(work.resolve("block-" + b[0]));
        w.block(state, caches, b[0], b[1], blockDir);
        blockDirs.add(blockDir);
      }
    }
    run.assemble(blockDirs, out);
  }

  @Test
  void blocksAndPartitionsGiveTheSingleRunsBytes() throws IOException {
    // 600 features: blocks [0, 256), [256, 512), [512, 600), and one feature file made of three parts.
    TinyInputs in = new TinyInputs(dir, "blocks.1.mlp.hook_post", Architecture.STANDARD, 12, 16, 31, 600);
    GenerateRequest req = request(in);
    new Generation(new Stages(), QUIET).run(req, dir.resolve("single"));
    PartitionedRun run = PartitionedRun.driver(req, dir.resolve("split"), null, new Stages(), QUIET);
    List<int[]> blocks = run.blocks(3);
    assertEquals(List.of("0-256", "256-512", "512-600"), blocks.stream().map(b -> b[0] + "-" + b[1]).toList());
    partitioned(req, Files.createDirectories(dir.resolve("work")), dir.resolve("split"), 3, 3);
    GenerationDeterminismTest.assertSameTree(dir.resolve("single"), dir.resolve("split"));
    // One block per feature file part of 512 features, two partitions: the same bytes again.
    partitioned(req, Files.createDirectories(dir.resolve("work2")), dir.resolve("split2"), 2, 2);
    GenerationDeterminismTest.assertSameTree(dir.resolve("single"), dir.resolve("split2"));
  }

  @Test
  void blocksAreWholeChunksCoveringEveryFeature() throws IOException {
    TinyInputs in = new TinyInputs(dir, "blocks.0.hook_resid_post", Architecture.STANDARD, 4, 8, 5, 48);
    PartitionedRun run = PartitionedRun.driver(request(in), dir.resolve("out"), null, new Stages(), QUIET);
    assertEquals(List.of("0-48"), run.blocks(5).stream().map(b -> b[0] + "-" + b[1]).toList());
    assertEquals(2, run.partitions(2));
    assertEquals(run.batches(), run.partitions(1000)); // a partition holds at least one batch
    assertEquals(1, run.partitions(0));
  }

  @Test
  void aBlockOffTheChunkGridIsRefused() throws IOException {
    TinyInputs in = new TinyInputs(dir, "blocks.0.hook_resid_post", Architecture.STANDARD, 4, 8, 5, 300);
    GenerateRequest req = request(in);
    try (PartitionedRun.Worker w = new PartitionedRun.Worker(req, null, false, new Stages(), QUIET)) {
      AtlasException e = assertThrows(AtlasException.class,
          () -> w.block(dir.resolve("state.bin"), List.of(), 100, 300, dir.resolve("b")));
      assertEquals("feature block [100, 300) must start at a multiple of 256 and lie in [0, d_sae)", e.getMessage());
    }
  }
}
