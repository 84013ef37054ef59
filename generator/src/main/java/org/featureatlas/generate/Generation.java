package org.featureatlas.generate;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import me.tongfei.progressbar.ProgressBar;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.FeatureMap;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Json;
import org.featureatlas.data.Manifest;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.fs.OutputGuard;
import org.featureatlas.fs.TempDirs;
import org.featureatlas.model.LanguageModel;
import org.featureatlas.progress.Progress;
import org.featureatlas.progress.Stages;
import org.featureatlas.sae.SaeEncoder;

/**
 * The generation stage's entry points: a whole run, one shard of a run, and the merge of shards. A whole
 * run is pass A over every batch followed by {@link #finish} (logit effects, correlations, pass B, pass C
 * in {@code ~v} blocks, write); a merge is the same finish over the merged pass-A states of its shards, so
 * both give the same data. Records are assembled from {@link RecordPart}s, one field group each.
 */
public final class Generation {
  /** People's notes inside a data directory: carried over when generation replaces the directory. */
  static final String NOTES = "notes";
  /** Feature explanations inside a data directory (render's Explanations.FOLDER): carried over like the notes. */
  static final String EXPLANATIONS = "explanations";

  /** What generation and merge may replace: a data directory (plus its notes and explanations). */
  static final OutputGuard.Kind DATA_DIR = OutputGuard.Kind.owning("an atlas data directory", DataDir.MANIFEST,
      Set.of(DataDir.MANIFEST, DataDir.VOCAB, "features", FeatureMap.FILE, NOTES, EXPLANATIONS));

  /** What a shard run may replace: a shard directory. */
  static final OutputGuard.Kind SHARD_DIR = OutputGuard.Kind.owning("a shard directory", ShardInfo.FILE,
      Set.of(ShardInfo.FILE, ShardInfo.STATE, ShardInfo.CACHE));

  private final Stages stages;
  private final PrintStream log;
  private final MemoryBudget budget;
  private final long correlationCap;
  private final long similarCap;

  /** Generation with the default memory budget ({@link MemoryBudget#defaults()}). */
  public Generation(Stages stages, PrintStream log) {
    this(stages, log, MemoryBudget.defaults());
  }

  public Generation(Stages stages, PrintStream log, MemoryBudget budget) {
    this(stages, log, budget, Long.MAX_VALUE);
  }

  /**
   * {@code correlationCap}: at most this many bytes of correlation sums at once, below the budget's own
   * share (tests force many correlation blocks with it).
   */
  Generation(Stages stages, PrintStream log, MemoryBudget budget, long correlationCap) {
    this(stages, log, budget, correlationCap, Long.MAX_VALUE);
  }

  /** {@code similarCap}: at most this many features per block of the similar-features products (tests force many blocks). */
  Generation(Stages stages, PrintStream log, MemoryBudget budget, long correlationCap, long similarCap) {
    this.similarCap = similarCap;
    this.stages = stages;
    this.log = log;
    this.budget = Objects.requireNonNull(budget, "budget");
    this.correlationCap = correlationCap;
  }

  MemoryBudget budget() {
    return budget;
  }

  /** Generates the data directory {@code out} in one run. */
  public void run(GenerateRequest req, Path out) {
    OutputGuard.check(out, DATA_DIR, inputs(req));
    AtlasInputs in = stage("load inputs", () -> AtlasInputs.load(req));
    MemoryBudget.Plan memory = memoryPlan(in, req);
    BatchPlan plan = new BatchPlan(in.dataset().nSeq(), req.batchSize());
    correlationPlan(in, memory, 0); // refuses a budget too small for one feature's correlation sums before pass A
    Path work = TempDirs.create(out, "work");
    try (NDManager manager = NDManager.newBaseManager(device(req.device()));
        LanguageModel model = in.newModel(manager)) {
      Path cache = work.resolve(ShardInfo.CACHE);
      ActivationPass.State state = passA(in, model, manager, plan, 0, plan.batches(), cache, req.settings().topK(),
          excluded(req, in));
      in.releaseEncoders();
      finish(req, in, model, manager, plan, state, List.of(cache), out, memory);
    } finally {
      TempDirs.delete(work);
    }
  }

  /** Runs pass A on shard {@code shard} of {@code shards} and writes a shard directory. */
  public void runShard(GenerateRequest req, int shard, int shards, Path out) {
    Check.that(shards > 0 && shard >= 0 && shard < shards, "--shard must be i/n with 0 <= i < n, got " + shard + "/" + shards);
    OutputGuard.check(out, SHARD_DIR, inputs(req));
    AtlasInputs in = stage("load inputs", () -> AtlasInputs.load(req));
    budget.plan(MemoryBudget.sizes(in, req.settings(), req.batchSize())).check(false); // pass A only
    BatchPlan plan = new BatchPlan(in.dataset().nSeq(), req.batchSize());
    int from = plan.shardStart(shard, shards);
    int to = plan.shardStart(shard + 1, shards);
    try (AtomicDirectory dir = AtomicDirectory.create(out);
        NDManager manager = NDManager.newBaseManager(device(req.device()));
        LanguageModel model = in.newModel(manager)) {
      shardInto(req, in, model, manager, shard, shards, dir.path());
      dir.commit();
    }
    log.printf("shard %d/%d: batches %d..%d of %d written to %s%n", shard, shards, from, to, plan.batches(), out);
  }

  /**
   * Pass A on shard {@code shard} of {@code shards} with the inputs and model loaded, into the shard directory
   * {@code dir} (which exists): its cache, state and description. The encoders stay loaded.
   */
  void shardInto(GenerateRequest req, AtlasInputs in, LanguageModel model, NDManager manager, int shard, int shards, Path dir) {
    BatchPlan plan = new BatchPlan(in.dataset().nSeq(), req.batchSize());
    int from = plan.shardStart(shard, shards);
    int to = plan.shardStart(shard + 1, shards);
    ActivationPass.State state = passA(in, model, manager, plan, from, to, dir.resolve(ShardInfo.CACHE),
        req.settings().topK(), excluded(req, in));
    stage("write shard", () -> {
      writeState(dir.resolve(ShardInfo.STATE), state);
      ShardInfo info = new ShardInfo(ShardInfo.FORMAT_VERSION, req, shard, shards, from, to,
          in.modelId(), in.saeId(), in.saeBId(), in.datasetId());
      writeJson(dir.resolve(ShardInfo.FILE), info);
    });
  }

  /** Merges complete shard directories of one run into the data directory {@code out}. */
  public void merge(List<Path> shardDirs, Path out) {
    Shards shards = Shards.read(shardDirs);
    GenerateRequest req = shards.request();
    List<Path> inputs = new ArrayList<>(shardDirs);
    inputs.addAll(inputs(req));
    OutputGuard.check(out, DATA_DIR, inputs);
    AtlasInputs in = stage("load inputs", () -> AtlasInputs.load(req));
    in.releaseEncoders(); // a merge runs no encoder
    MemoryBudget.Plan memory = memoryPlan(in, req);
    shards.checkInputs(in);
    BatchPlan plan = new BatchPlan(in.dataset().nSeq(), req.batchSize());
    correlationPlan(in, memory, 0); // refuses a budget too small for one feature's correlation sums first
    ActivationPass.State state = mergedState(shards, in, req);
    try (NDManager manager = NDManager.newBaseManager(device(req.device()));
        LanguageModel model = in.newModel(manager)) {
      finish(req, in, model, manager, plan, state, shards.caches(), out, memory);
    }
  }

  /** The shards' pass-A states, read and merged in shard order. */
  ActivationPass.State mergedState(Shards shards, AtlasInputs in, GenerateRequest req) {
    ActivationPass.State state = null;
    for (Path dir : shards.byIndex()) {
      ActivationPass.State s = stage("read shard states", () -> readState(dir.resolve(ShardInfo.STATE), in.dSae(), req.settings().topK()));
      if (state == null) state = s;
      else state.merge(s);
    }
    return state;
  }

  /** A complete set of shard directories of one run, in shard order. */
  record Shards(ShardInfo first, List<Path> byIndex) {
    GenerateRequest request() {
      return first.request();
    }

    /** Reads and checks the shards' descriptions: one run, every shard once. */
    static Shards read(List<Path> shardDirs) {
      Check.that(!shardDirs.isEmpty(), "merge needs at least one shard directory");
      List<ShardInfo> infos = new ArrayList<>();
      for (Path dir : shardDirs) {
        Path file = Check.readableFile(dir.resolve(ShardInfo.FILE));
        try {
          infos.add(Json.mapper().readValue(file.toFile(), ShardInfo.class));
        } catch (IOException e) {
          throw new AtlasException(file + ": not a shard description (" + e.getMessage().split("\n")[0] + ")", e);
        }
      }
      ShardInfo first = infos.get(0);
      Path[] byIndex = new Path[first.shards()];
      for (int k = 0; k < infos.size(); k++) {
        ShardInfo s = infos.get(k);
        Path file = shardDirs.get(k).resolve(ShardInfo.FILE);
        Check.file(s.formatVersion() == ShardInfo.FORMAT_VERSION, file, "unsupported shard format " + s.formatVersion());
        Check.file(s.shards() == first.shards() && s.request().equals(first.request()), file,
            "belongs to a different run than " + shardDirs.get(0));
        Check.file(byIndex[s.shard()] == null, file, "shard " + s.shard() + " is given twice");
        byIndex[s.shard()] = shardDirs.get(k);
      }
      for (int i = 0; i < byIndex.length; i++) {
        Check.that(byIndex[i] != null, "shard " + i + "/" + first.shards() + " is missing");
      }
      return new Shards(first, List.of(byIndex));
    }

    /** Refuses shards whose model, SAE or dataset files differ from {@code in}'s. */
    void checkInputs(AtlasInputs in) {
      Check.that(Objects.equals(in.modelId(), first.model()) && Objects.equals(in.saeId(), first.sae())
              && Objects.equals(in.saeBId(), first.saeB()) && Objects.equals(in.datasetId(), first.dataset()),
          byIndex.get(0) + ": the model, SAE or dataset files changed since the shards were generated");
    }

    /** The shards' caches, in shard order. */
    List<Path> caches() {
      List<Path> caches = new ArrayList<>();
      for (Path dir : byIndex) caches.add(Check.readableFile(dir.resolve(ShardInfo.CACHE)));
      return caches;
    }
  }

  /**
   * The memory plan of a run, checked before pass A (or the merge) starts and before anything is written:
   * a budget too small for one batch or one ~v block stops here, in one line naming --memory.
   */
  MemoryBudget.Plan memoryPlan(AtlasInputs in, GenerateRequest req) {
    MemoryBudget.Plan memory = budget.plan(MemoryBudget.sizes(in, req.settings(), req.batchSize()));
    memory.check();
    return memory;
  }

  /**
   * The correlation blocks: as many features per sweep of the cache as the budget's share holds, given
   * {@code nnzPerPosition} (pass A's mean non-zeros per position; 0 before pass A, a lower bound).
   */
  Correlations.Plan correlationPlan(AtlasInputs in, MemoryBudget.Plan memory, double nnzPerPosition) {
    return Correlations.plan(in.dSae(), in.dIn(), in.dSaeB(), Math.min(correlationCap, memory.correlationBytes(nnzPerPosition)));
  }

  /**
   * Runs one stage, timed; memory running out anyway (the estimates are estimates, the JVM's heap may be
   * smaller than --memory) stops it with one line naming the stage and the budget.
   */
  <T> T stage(String name, java.util.function.Supplier<T> body) {
    try {
      return stages.time(name, body);
    } catch (OutOfMemoryError e) {
      throw outOfMemory(name, e);
    } catch (RuntimeException e) {
      if (e instanceof AtlasException) throw e;
      for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
        if (c instanceof OutOfMemoryError || (c instanceof ai.djl.engine.EngineException && nativeOutOfMemory(c))) {
          throw outOfMemory(name, e);
        }
      }
      throw e;
    }
  }

  void stage(String name, Runnable body) {
    stage(name, () -> {
      body.run();
      return null;
    });
  }

  private AtlasException outOfMemory(String name, Throwable cause) {
    return new AtlasException(name + ": out of memory with --memory " + budget + " (the JVM may use "
        + MemoryBudget.format(Runtime.getRuntime().maxMemory()) + " of heap); give a smaller --memory or --batch-size, "
        + "or more memory (-Xmx, ATLAS_JAVA_OPTS)", cause);
  }

  /** PyTorch's allocation failures, which reach Java as engine errors rather than OutOfMemoryError. */
  private static boolean nativeOutOfMemory(Throwable e) {
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
    return m.contains("out of memory") || m.contains("can't allocate memory") || m.contains("failed to allocate");
  }

  /** The positions the run leaves out: the BOS positions, unless the request keeps them. */
  static ExcludedPositions excluded(GenerateRequest req, AtlasInputs in) {
    return ExcludedPositions.bos(in.dataset(), in.bosId(), !req.keepBos());
  }

  private ActivationPass.State passA(AtlasInputs in, LanguageModel model, NDManager manager, BatchPlan plan,
      int from, int to, Path cacheFile, int topK, ExcludedPositions excluded) {
    long tokens = 0;
    for (int b = from; b < to; b++) tokens += (long) plan.sequences(b) * in.dataset().seqLen();
    long total = tokens;
    return stage("pass A: model + SAE + statistics", () -> {
      ActivationPass.State state = new ActivationPass.State(in.dSae(), topK);
      try (SaeEncoder enc = new SaeEncoder(in.encoderWeights(), manager);
          SaeEncoder encB = in.encoderBWeights() == null ? null : new SaeEncoder(in.encoderBWeights(), manager);
          ActivationCache.Writer cache = new ActivationCache.Writer(cacheFile);
          ProgressBar bar = Progress.bar("pass A: model + SAE", total, "tok")) {
        ActivationPass pass = new ActivationPass(in, model, enc, encB, excluded);
        for (int b = from; b < to; b++) {
          pass.runBatch(b, plan, manager, state, cache);
          bar.stepBy((long) plan.sequences(b) * in.dataset().seqLen());
        }
      }
      return state;
    });
  }

  private void finish(GenerateRequest req, AtlasInputs in, LanguageModel model, NDManager manager, BatchPlan plan,
      ActivationPass.State state, List<Path> caches, Path out, MemoryBudget.Plan memory) {
    int dSae = in.dSae();
    features(req, in, model, manager, plan, state, caches, out, memory, 0, dSae, (records, map) -> stage("write data", () -> {
      try (AtomicDirectory dir = AtomicDirectory.create(out).keep(NOTES, EXPLANATIONS)) {
        Manifest manifest = manifest(req, in, plan);
        try {
          DataDir.write(dir.path(), manifest, in.displayVocab(), records);
          FeatureMap.write(dir.path(), map);
        } catch (IOException e) {
          throw IoErrors.writing(out.resolve(FeatureMap.FILE), e);
        } catch (UncheckedIOException e) {
          // DataDir reports the failure without the file; name the data directory being written.
          throw IoErrors.writing(out, e);
        }
        dir.commit();
      }
    }));
    log.printf("wrote %d features to %s%n", dSae, out);
  }

  /**
   * Everything after pass A for the features {@code [from, to)} ({@code from} a multiple of the feature chunk):
   * logit effects, similar features and correlations of those features, pass B (over every feature: the
   * shown positions of all features decide which rows pass C's logits products hold), pass C for those
   * features, then their records in index order go to {@code write}, with the feature map when {@code from} is 0
   * (the map is of every feature: a block that does not hold them all computes the similar features of all for it),
   * else null. A whole run asks for {@code [0, d_sae)};
   * a cluster run's feature blocks ask for one block each and get the same records
   * ({@link PartitionedRun}). {@code beside}: the path whose sibling holds pass C's scratch file, if any.
   */
  void features(GenerateRequest req, AtlasInputs in, LanguageModel model, NDManager manager, BatchPlan plan,
      ActivationPass.State state, List<Path> caches, Path beside, MemoryBudget.Plan memory, int from, int to,
      FeatureWriter write) {
    GenerateSettings set = req.settings();
    int chunk = budget.featureChunk();
    try (LogitEffects effects = stage("logit effects", () -> {
      try (ProgressBar bar = Progress.bar("logit effects", (to - from + chunk - 1) / chunk, "chunk")) {
        return LogitEffects.compute(model, in.wDec(), in.hook(), set.nLogits(), set.nBins(), chunk, from, to, manager, bar::step);
      }
    })) {
      features(req, in, model, manager, plan, state, caches, beside, memory, effects, from, to, write);
    }
  }

  private void features(GenerateRequest req, AtlasInputs in, LanguageModel model, NDManager manager, BatchPlan plan,
      ActivationPass.State state, List<Path> caches, Path beside, MemoryBudget.Plan memory, LogitEffects effects,
      int from, int to, FeatureWriter write) {
    GenerateSettings set = req.settings();
    int seqLen = in.dataset().seqLen();
    int dSae = in.dSae();
    int similarRows = (int) Math.min(similarCap, memory.similarRows());
    int similarBlocks = SimilarFeatures.blocks(to - from, similarRows);
    SimilarFeatures similar = stage("similar features", () -> {
      try (ProgressBar bar = Progress.bar("similar features", similarBlocks, "block")) {
        return SimilarFeatures.compute(in.wDec(), in.wDecB(), SimilarFeatures.K,
            similarRows, from, to, manager, bar::step);
      }
    });
    boolean[] live = new boolean[dSae];
    for (int i = 0; i < dSae; i++) live[i] = state.moments.alive(i);
    FeatureMap map = null;
    if (from == 0) {
      SimilarFeatures all = to == dSae ? similar : stage("similar features of every feature, for the map", () ->
          SimilarFeatures.compute(in.wDec(), null, SimilarFeatures.K, similarRows, 0, dSae, manager, () -> { }));
      map = stage("feature map", () -> MapLayout.compute(in.wDec(), all, live, req.seed()));
    }
    FeatureMap shownMap = map;
    Correlations.Plan corr = correlationPlan(in, memory, state.moments.meanActivePerPosition());
    ExcludedPositions excluded = excluded(req, in);
    stage("correlations", () -> {
      try (ProgressBar bar = Progress.bar("correlations", (long) corr.sweeps(to - from) * plan.batches(), "batch")) {
        state.correlations = Correlations.compute(caches, corr, state.moments, set.nUnits(), excluded, from, to, bar::step);
      }
    });
    Statistics passB = Statistics.passB(state.moments, set, req.seed());
    IntervalStats stats = passB.get(IntervalStats.class);
    stage("pass B: histograms + intervals", () -> {
      try (ActivationCache.Reader reader = new ActivationCache.Reader(caches, dSae);
          ProgressBar bar = Progress.bar("pass B: intervals", plan.batches(), "batch")) {
        for (ActivationCache.Block block; (block = reader.next()) != null; ) {
          passB.add(excluded.apply(block.activations(), block), (long) block.firstSequence() * seqLen);
          bar.step();
        }
      }
    });
    Selection selection = Selection.of(state.top, stats);
    ShownExamples examples = new ShownExamples();
    stage("pass C: example windows", () -> passC(in, set, plan, caches, model, manager, beside, memory, effects, selection,
        from, to, examples));
    List<RecordPart> parts = Statistics.recordParts(state.statistics, passB, effects,
        new NeuronAlignment(in.wDec(), set.nUnits()), state.correlations, similar);
    write.accept(records(from, to, parts, examples), shownMap);
  }

  /**
   * Pass C: the example windows. The ~v rows of the shown features are formed block by block (as many
   * features per block as the budget allows); each block sweeps the cache and runs the ablations of its
   * features, and the last one builds the windows. With several blocks, each batch's logits are computed
   * by the first block that needs them and kept on disk ({@link LogitsSpill}) for the others.
   */
  private void passC(AtlasInputs in, GenerateSettings set, BatchPlan plan, List<Path> caches, LanguageModel model, NDManager manager,
      Path out, MemoryBudget.Plan memory, LogitEffects effects, Selection selection, int from, int to, ShownExamples examples) {
    int seqLen = in.dataset().seqLen();
    // Every shown ref decides the rows of its batch's logits product (the same product whatever the range);
    // only the refs of [from, to) are ablated and built here.
    List<Selection.Ref> refs = selection.distinct();
    Map<Integer, List<Selection.Ref>> byBatch = WindowPass.byBatch(refs, seqLen, plan.batchSize());
    List<Selection.Ref> inRange = refs.stream().filter(r -> r.feature() >= from && r.feature() < to).toList();
    Set<Integer> batchesInRange = WindowPass.byBatch(inRange, seqLen, plan.batchSize()).keySet();
    if (batchesInRange.isEmpty()) return;
    int blockFeatures = memory.vBlockFeatures(inRange.size());
    List<int[]> blocks = vBlocks(inRange, effects.chunk, blockFeatures / effects.chunk);
    log.printf("pass C: ~v in %d block(s) of up to %d features (--memory %s)%n", blocks.size(), blockFeatures, budget);
    // With more than one block, each batch's logits are computed once and kept on disk for the later blocks.
    Path scratch = blocks.size() > 1 ? TempDirs.create(out, "work") : null;
    try (LogitsSpill spill = scratch == null ? null : new LogitsSpill(scratch.resolve("logits.f32"))) {
      // Before a post-norm the ablation recomputes the norm from the cached hook values (feature-math.md section 6).
      PostNormPath post = PostNormPath.of(model, in.hook(), effects);
      WindowPass windows = new WindowPass(model, effects, in.dataset(), set.windowLeft(), set.windowRight(), set.hoverK(),
          spill, post);
      Map<Integer, WindowPass.BatchPairs> pending = new HashMap<>();
      long ablations = 0;
      try (ProgressBar bar = Progress.bar("pass C: windows", (long) blocks.size() * batchesInRange.size(), "batch")) {
        for (int k = 0; k < blocks.size(); k++) {
          int[] b = blocks.get(k);
          int fromChunk = b[0] / effects.chunk;
          int toChunk = b[b.length - 1] / effects.chunk + 1;
          WindowPass.VBlock v = new WindowPass.VBlock(fromChunk * effects.chunk, effects.centred(fromChunk, toChunk, b));
          boolean last = k == blocks.size() - 1;
          try (ActivationCache.Reader reader = ActivationCache.Reader.forWindows(caches, in.dSae(), post != null)) {
            for (ActivationCache.Block block; (block = reader.next()) != null; ) {
              if (!batchesInRange.contains(block.batch())) continue;
              List<Selection.Ref> batchRefs = byBatch.get(block.batch());
              ActivationCache.Block read = block;
              WindowPass.BatchPairs pairs = pending.computeIfAbsent(block.batch(), x -> windows.pairs(read, batchRefs));
              windows.ablate(block, pairs, v, manager);
              if (last) {
                ablations += pairs.pairRow.length;
                windows.examples(block, pairs, from, to, examples);
                pending.remove(block.batch());
              }
              bar.step();
            }
          }
        }
      }
      log.printf(Locale.ROOT, "pass C: %,d ablations for %,d shown examples, each a scan of the %,d-token vocabulary%n", ablations,
          refs.size(), effects.vocab);
    } finally {
      if (scratch != null) TempDirs.delete(scratch);
    }
  }

  /**
   * The ~v blocks of pass C: the shown features, ascending, grouped by the feature chunks that hold them,
   * at most {@code chunksPerBlock} such chunks to a block.
   */
  static List<int[]> vBlocks(List<Selection.Ref> refs, int chunk, int chunksPerBlock) {
    int[] features = refs.stream().mapToInt(Selection.Ref::feature).distinct().sorted().toArray();
    List<int[]> blocks = new ArrayList<>();
    int start = 0;
    while (start < features.length) {
      int chunks = 0;
      int end = start;
      int lastChunk = -1;
      while (end < features.length) {
        int c = features[end] / chunk;
        if (c != lastChunk) {
          if (chunks == chunksPerBlock) break;
          chunks++;
          lastChunk = c;
        }
        end++;
      }
      blocks.add(java.util.Arrays.copyOfRange(features, start, end));
      start = end;
    }
    return blocks;
  }

  /** Where {@link #features} sends the records of its features, in index order, and the feature map (null: none). */
  @FunctionalInterface
  interface FeatureWriter {
    void accept(Iterator<FeatureRecord> records, FeatureMap map);
  }

  /** The records of {@code [from, to)} in index order, each filled in by every part (statistics, logit tables, correlations...). */
  private static Iterator<FeatureRecord> records(int from, int to, List<RecordPart> parts, ShownExamples examples) {
    return new Iterator<>() {
      int i = from;

      @Override
      public boolean hasNext() {
        return i < to;
      }

      @Override
      public FeatureRecord next() {
        return record(i++, parts, examples);
      }
    };
  }

  static FeatureRecord record(int i, List<RecordPart> parts, ShownExamples examples) {
    RecordFields fields = new RecordFields(i, examples);
    for (RecordPart part : parts) part.contribute(i, fields);
    return fields.build();
  }

  static Manifest manifest(GenerateRequest req, AtlasInputs in, BatchPlan plan) {
    SortedMap<String, Object> settings = req.settings().asMap();
    settings.put("architecture", in.saeConfig().architecture().name().toLowerCase(java.util.Locale.ROOT));
    settings.put("apply_b_dec_to_input", in.saeConfig().applyBDecToInput());
    settings.put("center_writing_weights", in.centre());
    settings.put("batch_size", plan.batchSize());
    settings.put("float_significant_digits", Json.SIGNIFICANT_DIGITS);
    settings.put("similar_table_size", SimilarFeatures.K);
    if (in.saeConfig().k() > 0) settings.put("k", in.saeConfig().k());
    // BOS: the tokenizer's BOS id (absent when it defines none) and whether its positions were left out.
    if (in.bosId() >= 0) settings.put("bos_token", in.bosId());
    settings.put("exclude_bos", excluded(req, in).active());
    return new Manifest(Manifest.FORMAT_VERSION, in.modelId(), in.saeId(), in.saeBId(), in.datasetId(),
        in.hook().toString(), in.dIn(), in.dSae(), in.modelConfig().vocabSize(), in.dataset().nSeq(),
        in.dataset().seqLen(), req.seed(), settings, DataDir.featureFiles(in.dSae()));
  }

  static Device device(String name) {
    switch (name) {
      case "cpu":
        return Device.cpu();
      case "gpu":
        Check.that(Engine.getInstance().getGpuCount() > 0, "--device gpu: no GPU is visible to PyTorch (build with -Pgpu)");
        return Device.gpu();
      case "auto":
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
      default:
        throw new AtlasException("--device must be auto, cpu or gpu, got " + name);
    }
  }

  /** The files and folders a request reads (null when absent). */
  private static List<Path> inputs(GenerateRequest req) {
    return java.util.Arrays.asList(req.model(), req.sae(), req.saeB(), req.tokens(), req.text());
  }

  static void writeState(Path file, ActivationPass.State state) {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
      state.write(out);
    } catch (IOException e) {
      throw IoErrors.writing(file, e);
    }
  }

  static ActivationPass.State readState(Path file, int dSae, int topK) {
    Check.readableFile(file);
    ActivationPass.State state = new ActivationPass.State(dSae, topK);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      state.read(in);
      return state;
    } catch (IOException e) {
      throw new AtlasException(file + ": shard state is truncated or corrupt (" + e.getMessage() + ")", e);
    }
  }

  private static void writeJson(Path file, Object value) {
    try {
      Files.writeString(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n");
    } catch (IOException e) {
      throw IoErrors.writing(file, e);
    }
  }
}
