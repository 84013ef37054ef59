package org.featureatlas.generate;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.FeatureMap;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.fs.OutputGuard;
import org.featureatlas.model.LanguageModel;
import org.featureatlas.progress.Stages;

/**
 * A run split into tasks that a cluster engine schedules (the Spark module, docs/spark.md), with the same data
 * directory as a single run:
 * <ol>
 *   <li><b>Pass A per partition</b>: partition {@code i} of {@code n} is shard {@code i/n} of the dataset's batches
 *       ({@link Worker#shard}), written as a shard directory (as {@code atlas generate --shard i/n} writes it).
 *   <li><b>Merge</b> on the driver ({@link #mergeStates}): the shards' pass-A states, in shard order, into one state file.
 *   <li><b>Feature blocks</b> ({@link Worker#block}): every step after pass A for the features {@code [from, to)} of
 *       one block ({@link #blocks}; a block starts at a multiple of the 256-feature chunk, so its logit-effect
 *       products are those of a single run): logit effects, similar features, correlations, pass C and the
 *       records, written as that block's part of each feature file. Pass B and the choice of the shown positions
 *       run over every feature in each block (they decide which rows each batch's logits product holds, so that
 *       product is the single run's); only the ablations and examples of the block's own features are computed.
 *   <li><b>Assemble</b> on the driver ({@link #assemble}): manifest and vocab, and each feature file as the
 *       concatenation of its blocks' parts in block order (whole gzip members: byte for byte a single run's file).
 * </ol>
 * Tasks read and write local paths; moving them to and from shared storage is the engine's part.
 */
public final class PartitionedRun {
  private final Generation generation;
  private final GenerateRequest req;
  private final AtlasInputs in;
  private final BatchPlan plan;

  private PartitionedRun(Generation generation, GenerateRequest req, AtlasInputs in) {
    this.generation = generation;
    this.req = req;
    this.in = in;
    this.plan = new BatchPlan(in.dataset().nSeq(), req.batchSize());
  }

  /**
   * The driver's side of a run into the data directory {@code out}: refuses an output that may not be replaced
   * and reads the inputs (not the model). {@code budget}: the executors' budget when known (null: each executor's
   * default), checked here against the inputs before any task starts.
   */
  public static PartitionedRun driver(GenerateRequest req, Path out, MemoryBudget budget, Stages stages, PrintStream log) {
    OutputGuard.check(out, Generation.DATA_DIR, java.util.Arrays.asList(req.model(), req.sae(), req.saeB(), req.tokens(), req.text()));
    Generation generation = new Generation(stages, log, budget == null ? MemoryBudget.defaults() : budget);
    AtlasInputs in = generation.stage("load inputs", () -> AtlasInputs.load(req));
    in.releaseEncoders();
    if (budget != null) {
      MemoryBudget.Plan memory = generation.memoryPlan(in, req);
      generation.correlationPlan(in, memory, 0);
    }
    return new PartitionedRun(generation, req, in);
  }

  public int batches() {
    return plan.batches();
  }

  public int dSae() {
    return in.dSae();
  }

  /** Pass-A partitions for {@code wanted}: between 1 and the number of batches (a partition holds whole batches). */
  public int partitions(int wanted) {
    return Math.max(1, Math.min(wanted, plan.batches()));
  }

  /**
   * The feature blocks {@code [from, to)} for about {@code wanted} blocks: whole chunks of {@value MemoryBudget#FEATURE_CHUNK}
   * features, in order, covering {@code [0, d_sae)} (one empty block when d_sae is 0).
   */
  public List<int[]> blocks(int wanted) {
    int dSae = in.dSae();
    int chunk = MemoryBudget.FEATURE_CHUNK;
    int chunks = Math.max(1, (dSae + chunk - 1) / chunk);
    int perBlock = (chunks + Math.max(1, wanted) - 1) / Math.max(1, wanted);
    List<int[]> blocks = new ArrayList<>();
    for (int from = 0; from < dSae || blocks.isEmpty(); from += perBlock * chunk) {
      blocks.add(new int[] {from, Math.min(dSae, from + perBlock * chunk)});
    }
    return blocks;
  }

  /**
   * Reads the shard directories of this run's partitions (in any order), checks they are one complete run
   * of this request on these inputs, and writes their merged pass-A state to {@code stateFile}.
   */
  public void mergeStates(List<Path> shardDirs, Path stateFile) {
    Generation.Shards shards = Generation.Shards.read(shardDirs);
    Check.that(shards.request().equals(req), shardDirs.get(0) + ": belongs to a different request");
    shards.checkInputs(in);
    ActivationPass.State state = generation.mergedState(shards, in, req);
    generation.stage("write merged state", () -> Generation.writeState(stateFile, state));
  }

  /**
   * Writes the data directory {@code out} (atomically, keeping its notes and explanations) from the blocks' directories,
   * given in block order: manifest and vocab, the first block's feature map, and each feature file as the
   * concatenation of the blocks' parts of it.
   */
  public void assemble(List<Path> blockDirs, Path out) {
    generation.stage("write data", () -> {
      try (AtomicDirectory dir = AtomicDirectory.create(out).keep(Generation.NOTES, Generation.EXPLANATIONS)) {
        var manifest = Generation.manifest(req, in, plan);
        try {
          DataDir.writeHeader(dir.path(), manifest, in.displayVocab());
          // The feature map comes from the block that starts at feature 0.
          Files.copy(blockDirs.get(0).resolve(FeatureMap.FILE), dir.path().resolve(FeatureMap.FILE));
          Files.createDirectories(dir.path().resolve("features"));
          for (String name : manifest.featureFiles()) {
            try (OutputStream file = Files.newOutputStream(dir.path().resolve(name))) {
              for (Path block : blockDirs) {
                Path part = block.resolve(name);
                if (!Files.exists(part)) continue;
                try (InputStream partIn = Files.newInputStream(part)) {
                  partIn.transferTo(file);
                }
              }
            }
          }
        } catch (IOException e) {
          throw IoErrors.writing(out, e);
        } catch (UncheckedIOException e) {
          throw IoErrors.writing(out, e);
        }
        dir.commit();
      }
    });
  }

  /**
   * An executor's side: the inputs and the model loaded once, for any number of tasks of one request, one task
   * at a time. {@code memory}: the budget (null: this JVM's default).
   */
  public static final class Worker implements AutoCloseable {
    private final GenerateRequest req;
    private final Generation generation;
    private final AtlasInputs in;
    private final NDManager manager;
    private final LanguageModel model;
    private final boolean encoders;

    /** {@code encoders}: whether this worker runs pass A (it keeps the SAEs' encoders) or feature blocks (it drops them). */
    public Worker(GenerateRequest req, MemoryBudget memory, boolean encoders, Stages stages, PrintStream log) {
      this.req = req;
      this.encoders = encoders;
      this.generation = new Generation(stages, log, memory == null ? MemoryBudget.defaults() : memory);
      this.in = generation.stage("load inputs", () -> AtlasInputs.load(req));
      MemoryBudget.Plan plan = generation.budget().plan(MemoryBudget.sizes(in, req.settings(), req.batchSize()));
      if (encoders) {
        plan.check(false); // pass A only
      } else {
        in.releaseEncoders();
        plan.check();
      }
      NDManager m = NDManager.newBaseManager(Generation.device(req.device()));
      try {
        this.model = in.newModel(m);
      } catch (RuntimeException | Error e) {
        m.close();
        throw e;
      }
      this.manager = m;
    }

    /** Pass A on shard {@code shard} of {@code shards} into {@code dir} (an existing empty directory). */
    public void shard(int shard, int shards, Path dir) {
      Check.that(encoders, "this worker runs feature blocks, not pass A");
      Check.that(shards > 0 && shard >= 0 && shard < shards, "shard must be i/n with 0 <= i < n, got " + shard + "/" + shards);
      generation.shardInto(req, in, model, manager, shard, shards, dir);
    }

    /**
     * Every step after pass A for the features {@code [from, to)}, from the merged state {@code stateFile} and the
     * shards' caches in shard order; writes the block's part of each feature file under {@code blockDir}
     * ({@code features/features-NNNNN.jsonl.gz}, as {@link DataDir#writeFeatures} names them).
     */
    public void block(Path stateFile, List<Path> caches, int from, int to, Path blockDir) {
      Check.that(!encoders, "this worker runs pass A, not feature blocks");
      Check.that(from % MemoryBudget.FEATURE_CHUNK == 0 && from >= 0 && to >= from && to <= in.dSae(),
          "feature block [" + from + ", " + to + ") must start at a multiple of " + MemoryBudget.FEATURE_CHUNK + " and lie in [0, d_sae)");
      MemoryBudget.Plan memory = generation.memoryPlan(in, req);
      BatchPlan plan = new BatchPlan(in.dataset().nSeq(), req.batchSize());
      ActivationPass.State state = generation.stage("read merged state",
          () -> Generation.readState(stateFile, in.dSae(), req.settings().topK()));
      generation.features(req, in, model, manager, plan, state, caches, blockDir, memory, from, to,
          (records, map) -> generation.stage("write block", () -> {
            try {
              DataDir.writeFeatures(blockDir, from, to, records);
              if (map != null) FeatureMap.write(blockDir, map);
            } catch (IOException e) {
              throw IoErrors.writing(blockDir.resolve(FeatureMap.FILE), e);
            } catch (UncheckedIOException e) {
              throw IoErrors.writing(blockDir, e);
            }
          }));
    }

    @Override
    public void close() {
      try {
        model.close();
      } finally {
        manager.close();
      }
    }
  }
}
