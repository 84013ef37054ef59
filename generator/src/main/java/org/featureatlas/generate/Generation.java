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
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import me.tongfei.progressbar.ProgressBar;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Histogram;
import org.featureatlas.data.Interval;
import org.featureatlas.data.Json;
import org.featureatlas.data.Manifest;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.fs.OutputGuard;
import org.featureatlas.fs.TempDirs;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.progress.Progress;
import org.featureatlas.progress.Stages;
import org.featureatlas.sae.SaeEncoder;

/**
 * The generation stage's entry points: a whole run, one shard of a run, and the merge of shards. A whole
 * run is pass A over every batch followed by {@link #finish}; a merge is the same finish over the merged
 * pass-A states of its shards, so both give the same data.
 */
public final class Generation {
  /** People's notes inside a data directory: carried over when generation replaces the directory. */
  static final String NOTES = "notes";

  /** What generation and merge may replace: a data directory (plus its notes). */
  static final OutputGuard.Kind DATA_DIR = OutputGuard.Kind.owning("an atlas data directory", DataDir.MANIFEST,
      Set.of(DataDir.MANIFEST, DataDir.VOCAB, "features", NOTES));

  /** What a shard run may replace: a shard directory. */
  static final OutputGuard.Kind SHARD_DIR = OutputGuard.Kind.owning("a shard directory", ShardInfo.FILE,
      Set.of(ShardInfo.FILE, ShardInfo.STATE, ShardInfo.CACHE));

  private final Stages stages;
  private final PrintStream log;
  private final long correlationBudget;

  public Generation(Stages stages, PrintStream log) {
    this(stages, log, Correlations.DEFAULT_BUDGET_BYTES);
  }

  /** {@code correlationBudget}: bytes of correlation sums held at once (see {@link Correlations#plan}). */
  Generation(Stages stages, PrintStream log, long correlationBudget) {
    this.stages = stages;
    this.log = log;
    this.correlationBudget = correlationBudget;
  }

  /** Generates the data directory {@code out} in one run. */
  public void run(GenerateRequest req, Path out) {
    OutputGuard.check(out, DATA_DIR, inputs(req));
    AtlasInputs in = stages.time("load inputs", () -> AtlasInputs.load(req));
    BatchPlan plan = new BatchPlan(in.dataset().nSeq(), req.batchSize());
    Correlations.plan(in.dSae(), in.dIn(), in.dSaeB(), correlationBudget); // refuses a too-small budget before pass A
    Path work = TempDirs.create(out, "work");
    try (NDManager manager = NDManager.newBaseManager(device(req.device()));
        Gpt2Model model = new Gpt2Model(in.weights(), manager)) {
      Path cache = work.resolve(ShardInfo.CACHE);
      ActivationPass.State state = passA(in, model, manager, plan, 0, plan.batches(), cache, req.settings().topK());
      finish(req, in, model, manager, plan, state, List.of(cache), out);
    } finally {
      TempDirs.delete(work);
    }
  }

  /** Runs pass A on shard {@code shard} of {@code shards} and writes a shard directory. */
  public void runShard(GenerateRequest req, int shard, int shards, Path out) {
    Check.that(shards > 0 && shard >= 0 && shard < shards, "--shard must be i/n with 0 <= i < n, got " + shard + "/" + shards);
    OutputGuard.check(out, SHARD_DIR, inputs(req));
    AtlasInputs in = stages.time("load inputs", () -> AtlasInputs.load(req));
    BatchPlan plan = new BatchPlan(in.dataset().nSeq(), req.batchSize());
    int from = plan.shardStart(shard, shards);
    int to = plan.shardStart(shard + 1, shards);
    try (AtomicDirectory dir = AtomicDirectory.create(out);
        NDManager manager = NDManager.newBaseManager(device(req.device()));
        Gpt2Model model = new Gpt2Model(in.weights(), manager)) {
      ActivationPass.State state = passA(in, model, manager, plan, from, to, dir.path().resolve(ShardInfo.CACHE), req.settings().topK());
      stages.run("write shard", () -> {
        writeState(dir.path().resolve(ShardInfo.STATE), state);
        ShardInfo info = new ShardInfo(ShardInfo.FORMAT_VERSION, req, shard, shards, from, to,
            in.modelId(), in.saeId(), in.saeBId(), in.datasetId());
        writeJson(dir.path().resolve(ShardInfo.FILE), info);
      });
      dir.commit();
    }
    log.printf("shard %d/%d: batches %d..%d of %d written to %s%n", shard, shards, from, to, plan.batches(), out);
  }

  /** Merges complete shard directories of one run into the data directory {@code out}. */
  public void merge(List<Path> shardDirs, Path out) {
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
    GenerateRequest req = first.request();
    List<Path> inputs = new ArrayList<>(shardDirs);
    inputs.addAll(inputs(req));
    OutputGuard.check(out, DATA_DIR, inputs);
    AtlasInputs in = stages.time("load inputs", () -> AtlasInputs.load(req));
    Check.that(Objects.equals(in.modelId(), first.model()) && Objects.equals(in.saeId(), first.sae())
            && Objects.equals(in.saeBId(), first.saeB()) && Objects.equals(in.datasetId(), first.dataset()),
        byIndex[0] + ": the model, SAE or dataset files changed since the shards were generated");
    BatchPlan plan = new BatchPlan(in.dataset().nSeq(), req.batchSize());
    Correlations.plan(in.dSae(), in.dIn(), in.dSaeB(), correlationBudget); // refuses a too-small budget first
    ActivationPass.State state = null;
    List<Path> caches = new ArrayList<>();
    for (Path dir : byIndex) {
      ActivationPass.State s = readState(dir.resolve(ShardInfo.STATE));
      if (state == null) state = s;
      else state.merge(s);
      caches.add(Check.readableFile(dir.resolve(ShardInfo.CACHE)));
    }
    try (NDManager manager = NDManager.newBaseManager(device(req.device()));
        Gpt2Model model = new Gpt2Model(in.weights(), manager)) {
      finish(req, in, model, manager, plan, state, caches, out);
    }
  }

  private ActivationPass.State passA(AtlasInputs in, Gpt2Model model, NDManager manager, BatchPlan plan,
      int from, int to, Path cacheFile, int topK) {
    ActivationPass.State state = new ActivationPass.State(in.dSae(), topK);
    long tokens = 0;
    for (int b = from; b < to; b++) tokens += (long) plan.sequences(b) * in.dataset().seqLen();
    long t0 = System.nanoTime();
    try (SaeEncoder enc = new SaeEncoder(in.sae(), manager);
        SaeEncoder encB = in.saeB() == null ? null : new SaeEncoder(in.saeB(), manager);
        ActivationCache.Writer cache = new ActivationCache.Writer(cacheFile);
        ProgressBar bar = Progress.bar("pass A: model + SAE", tokens, "tok")) {
      ActivationPass pass = new ActivationPass(in, model, enc, encB);
      for (int b = from; b < to; b++) {
        pass.runBatch(b, plan, manager, state, cache);
        bar.stepBy((long) plan.sequences(b) * in.dataset().seqLen());
      }
    }
    stages.add("pass A: model + SAE + statistics", System.nanoTime() - t0);
    return state;
  }

  private void finish(GenerateRequest req, AtlasInputs in, Gpt2Model model, NDManager manager, BatchPlan plan,
      ActivationPass.State state, List<Path> caches, Path out) {
    GenerateSettings set = req.settings();
    int seqLen = in.dataset().seqLen();
    int dSae = in.dSae();
    LogitEffects effects;
    long t0 = System.nanoTime();
    try (ProgressBar bar = Progress.bar("logit effects", (dSae + 255) / 256, "chunk")) {
      effects = LogitEffects.compute(model, in.sae().wDec(), in.hook(), set.nLogits(), set.nBins(), manager, bar::step);
    }
    stages.add("logit effects", System.nanoTime() - t0);
    Correlations.Plan corr = Correlations.plan(dSae, in.dIn(), in.dSaeB(), correlationBudget);
    stages.run("correlations", () -> {
      try (ProgressBar bar = Progress.bar("correlations", (long) corr.sweeps() * plan.batches(), "batch")) {
        state.correlations = Correlations.compute(caches, corr, state.moments, set.nUnits(), bar::step);
      }
    });
    IntervalStats stats = new IntervalStats(state.moments, set.nBins(), set.nIntervals(), set.perInterval(), req.seed());
    stages.run("pass B: histograms + intervals", () -> {
      try (ActivationCache.Reader reader = new ActivationCache.Reader(caches, dSae);
          ProgressBar bar = Progress.bar("pass B: intervals", plan.batches(), "batch")) {
        for (ActivationCache.Block block; (block = reader.next()) != null; ) {
          stats.add(block, seqLen);
          bar.step();
        }
      }
    });
    Selection selection = Selection.of(state.top, stats);
    Map<Long, Example> examples = new HashMap<>();
    stages.run("pass C: example windows", () -> {
      Map<Integer, List<Selection.Ref>> byBatch = WindowPass.byBatch(selection.distinct(), seqLen, plan.batchSize());
      WindowPass windows = new WindowPass(model, effects, in.dataset(), set.windowLeft(), set.windowRight(), set.hoverK());
      try (ActivationCache.Reader reader = new ActivationCache.Reader(caches, dSae);
          ProgressBar bar = Progress.bar("pass C: windows", byBatch.size(), "batch")) {
        for (ActivationCache.Block block; (block = reader.next()) != null; ) {
          List<Selection.Ref> refs = byBatch.get(block.batch());
          if (refs == null) continue;
          windows.run(block, refs, manager, examples);
          bar.step();
        }
      }
    });
    stages.run("write data", () -> {
      try (AtomicDirectory dir = AtomicDirectory.create(out).keep(NOTES)) {
        Manifest manifest = manifest(req, in, plan);
        try {
          DataDir.write(dir.path(), manifest, in.displayVocab(), records(in, set, state, stats, effects, selection, examples));
        } catch (UncheckedIOException e) {
          // DataDir reports the failure without the file; name the data directory being written.
          throw IoErrors.writing(out, e);
        }
        dir.commit();
      }
    });
    log.printf("wrote %d features to %s%n", dSae, out);
  }

  private static Iterator<FeatureRecord> records(AtlasInputs in, GenerateSettings set, ActivationPass.State state,
      IntervalStats stats, LogitEffects effects, Selection selection, Map<Long, Example> examples) {
    return new Iterator<>() {
      int i = 0;

      @Override
      public boolean hasNext() {
        return i < in.dSae();
      }

      @Override
      public FeatureRecord next() {
        return record(i++, in, set, state, stats, effects, selection, examples);
      }
    };
  }

  static FeatureRecord record(int i, AtlasInputs in, GenerateSettings set, ActivationPass.State state,
      IntervalStats stats, LogitEffects effects, Selection selection, Map<Long, Example> examples) {
    FeatureMoments m = state.moments;
    boolean alive = m.active[i] > 0;
    Histogram hist = Histogram.empty();
    List<Interval> intervals = new ArrayList<>();
    List<Example> top = new ArrayList<>();
    if (alive) {
      long[] counts = new long[set.nBins()];
      System.arraycopy(stats.histogram, i * set.nBins(), counts, 0, set.nBins());
      hist = stats.bins[i].histogram(counts);
      for (Selection.Ref r : selection.top.get(i)) top.add(examples.get(WindowPass.key(i, r.pos())));
      for (int j = 0; j < set.nIntervals(); j++) {
        List<Example> ex = new ArrayList<>();
        for (Selection.Ref r : selection.intervals.get(i).get(j)) ex.add(examples.get(WindowPass.key(i, r.pos())));
        intervals.add(new Interval(stats.lowerBound(i, j), stats.bound(i, j),
            (double) stats.intervalCount[i * set.nIntervals() + j] / m.positions, ex));
      }
    }
    return new FeatureRecord(i, m.density(i), m.max[i], m.meanActive(i), hist, effects.logits.get(i),
        LogitEffects.alignment(in.sae().wDec(), i, set.nUnits()),
        state.correlations.neurons().get(i),
        state.correlations.featuresB() == null ? null : state.correlations.featuresB().get(i),
        top, intervals);
  }

  private static Manifest manifest(GenerateRequest req, AtlasInputs in, BatchPlan plan) {
    SortedMap<String, Object> settings = req.settings().asMap();
    settings.put("architecture", in.sae().config().architecture().name().toLowerCase(java.util.Locale.ROOT));
    settings.put("apply_b_dec_to_input", in.sae().config().applyBDecToInput());
    settings.put("center_writing_weights", in.centre());
    settings.put("batch_size", plan.batchSize());
    settings.put("float_significant_digits", Json.SIGNIFICANT_DIGITS);
    if (in.sae().config().k() > 0) settings.put("k", in.sae().config().k());
    return new Manifest(Manifest.FORMAT_VERSION, in.modelId(), in.saeId(), in.saeBId(), in.datasetId(),
        in.hook().toString(), in.dIn(), in.dSae(), in.weights().config().vocabSize(), in.dataset().nSeq(),
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

  private static void writeState(Path file, ActivationPass.State state) {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
      state.write(out);
    } catch (IOException e) {
      throw IoErrors.writing(file, e);
    }
  }

  private static ActivationPass.State readState(Path file) {
    Check.readableFile(file);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      return ActivationPass.State.read(in);
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
