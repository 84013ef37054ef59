package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.cli.Atlas;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.io.HostTensor;
import org.featureatlas.progress.Stages;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory budget changes how pass C is blocked, never a number: a run at the least budget that runs
 * (one feature chunk of ~v per block, so many blocks) is byte-identical to a one-block run and agrees with
 * the float64 reference; a budget below that stops before anything is written.
 */
class GenerationMemoryTest {
  /** A small feature chunk, so the 48-feature fixture spans many ~v blocks. */
  static final int CHUNK = 2;
  /** Features copied onto their successor: each pair straddles a chunk (and so a ~v block) boundary. */
  static final int[] DUPLICATED = {3, 11, 19, 27, 35, 43};
  static final long SEED = 13;
  static final String HOOK = "blocks.0.hook_resid_post";

  @TempDir
  Path dir;

  @Test
  void aTinyBudgetRunsManyBlocksAndChangesNoByte() throws Exception {
    TinyInputs in = new TinyInputs(dir, HOOK, Architecture.JUMPRELU, 12, 16, 31);
    duplicate(in.sae);
    duplicate(in.saeB);
    GenerateRequest req = request(in);
    long least = minimum(req, CHUNK);

    String wide = run(req, new MemoryBudget(1L << 40, CHUNK), dir.resolve("wide"));
    String tiny = run(req, new MemoryBudget(least, CHUNK), dir.resolve("tiny"));
    assertEquals(1, blocks(wide), wide);
    assertTrue(tiny.contains("of up to " + CHUNK + " features"), tiny);
    java.util.Set<Integer> liveChunks = new java.util.TreeSet<>();
    for (FeatureRecord r : DataDir.readFeatures(dir.resolve("wide"), DataDir.readManifest(dir.resolve("wide")))) {
      if (r.density() > 0) liveChunks.add(r.index() / CHUNK);
    }
    // One block per chunk that holds a live feature: many blocks.
    assertEquals(liveChunks.size(), blocks(tiny), tiny + liveChunks);
    assertTrue(blocks(tiny) >= 8, tiny + liveChunks);
    // The logits kept on disk between blocks went with the run's working directory.
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".")).toList());
    }

    GenerationDeterminismTest.assertSameTree(dir.resolve("wide"), dir.resolve("tiny"));
    GenerationReferenceTest.assertMatchesReference(in, dir.resolve("tiny"), HOOK, SEED);

    // The duplicated features sit on both sides of a block boundary, with equal activations everywhere:
    // each pair must come out equal (but for interval samples, which are seeded by the feature).
    List<FeatureRecord> records = DataDir.readFeatures(dir.resolve("tiny"), DataDir.readManifest(dir.resolve("tiny")));
    int pairs = 0;
    for (int a : DUPLICATED) {
      FeatureRecord x = records.get(a);
      FeatureRecord y = records.get(a + 1);
      if (x.density() == 0) continue;
      pairs++;
      String at = "features " + a + " and " + (a + 1);
      assertEquals(x.density(), y.density(), at);
      assertEquals(x.maxAct(), y.maxAct(), at);
      assertEquals(x.actHistogram(), y.actHistogram(), at);
      assertEquals(x.logits(), y.logits(), at);
      assertEquals(x.neuronAlignment(), y.neuronAlignment(), at);
      assertEquals(x.correlatedNeurons(), y.correlatedNeurons(), at);
      assertEquals(x.topExamples(), y.topExamples(), at);
      assertFalse(x.topExamples().isEmpty(), at);
      for (int j = 0; j < x.intervals().size(); j++) {
        assertEquals(x.intervals().get(j).lo(), y.intervals().get(j).lo(), at);
        assertEquals(x.intervals().get(j).hi(), y.intervals().get(j).hi(), at);
      }
    }
    assertTrue(pairs >= 3, "only " + pairs + " live duplicated pairs");
  }

  /**
   * Before a post-norm (Gemma 2's {@code mlp.hook_post}) pass C also keeps the logits of each ablated row's write on
   * disk between blocks: the least budget's many blocks give the same bytes as one block.
   */
  @Test
  void aHookBeforeAPostNormRunsManyBlocksAndChangesNoByte() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode c = org.featureatlas.model.TestFamilies.gemma2(4, 2, 50);
    Path model = org.featureatlas.model.TestFamilies.write(dir.resolve("model"), c,
        org.featureatlas.model.TestFamilies.gemma2Shapes(c), 5, "F32", 1).dir();
    String hook = "blocks.1.mlp.hook_post";
    Path sae = dir.resolve("sae");
    Path saeB = dir.resolve("sae-b");
    TinyInputs.saeWeights(Architecture.JUMPRELU, hook, 48, 48, 6).save(sae);
    TinyInputs.saeWeights(Architecture.STANDARD, hook, 48, 40, 7).save(saeB);
    int nSeq = 12;
    int seqLen = 16;
    int[] ids = new int[nSeq * seqLen];
    java.util.Random r = new java.util.Random(8);
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(50);
    Path tokens = dir.resolve("tokens.npy");
    org.featureatlas.io.Npy.writeInts(tokens, nSeq, seqLen, ids);
    GenerateRequest req = new GenerateRequest(model, sae, saeB, tokens, null, null, "cpu", 5, SEED, null, null);
    AtlasInputs in = AtlasInputs.load(req);
    assertTrue(MemoryBudget.sizes(in, req.settings(), req.batchSize()).postNorm(), "the budget counts the post-norm");
    long least = minimum(req, CHUNK);

    String wide = run(req, new MemoryBudget(1L << 40, CHUNK), dir.resolve("wide"));
    String tiny = run(req, new MemoryBudget(least, CHUNK), dir.resolve("tiny"));
    assertEquals(1, blocks(wide), wide);
    assertTrue(blocks(tiny) >= 8, tiny);
    GenerationDeterminismTest.assertSameTree(dir.resolve("wide"), dir.resolve("tiny"));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".")).toList());
    }
  }

  @Test
  void aBudgetBelowTheLeastStopsBeforeWritingAnything() throws Exception {
    TinyInputs in = new TinyInputs(dir, HOOK, Architecture.STANDARD, 6, 16, 32);
    GenerateRequest req = request(in);
    long least = minimum(req, CHUNK);
    Path out = dir.resolve("out");
    List<Path> before = list(dir);
    AtlasException e = assertThrows(AtlasException.class,
        () -> new Generation(new Stages(), new PrintStream(new ByteArrayOutputStream()), new MemoryBudget(least - 1, CHUNK)).run(req, out));
    assertTrue(e.getMessage().startsWith("--memory "), e.getMessage());
    assertTrue(e.getMessage().contains("needs at least --memory "), e.getMessage());
    assertEquals(before, list(dir));
    // The same inputs at the least budget run.
    run(req, new MemoryBudget(least, CHUNK), out);
    assertTrue(Files.exists(out.resolve(DataDir.MANIFEST)));
  }

  @Test
  void theCliRefusesATooSmallMemoryInOneLineAndWritesNothing() throws Exception {
    TinyInputs in = new TinyInputs(dir, HOOK, Architecture.STANDARD, 6, 16, 33);
    List<Path> before = list(dir);
    for (String cmd : List.of("generate", "shard", "build")) {
      StringWriter err = new StringWriter();
      List<String> args = new java.util.ArrayList<>(List.of("--model", in.model.toString(), "--sae", in.sae.toString(),
          "--tokens", in.tokens.toString(), "--memory", "64k"));
      switch (cmd) {
        case "generate" -> args.addAll(0, List.of("generate", "--out", dir.resolve("out").toString()));
        case "shard" -> args.addAll(0, List.of("generate", "--shard", "0/2", "--out", dir.resolve("shard").toString()));
        default -> args.addAll(0, List.of("build", "--data", dir.resolve("data").toString(), "--site", dir.resolve("site").toString()));
      }
      int rc = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args.toArray(String[]::new));
      assertEquals(2, rc, cmd + ": " + err);
      String msg = err.toString().strip();
      assertEquals(1, msg.lines().count(), msg);
      assertTrue(msg.contains("--memory 64 KiB is too small for this run: it needs at least --memory "), msg);
      // The model alone does not fit: the line names its size (parameters and bytes).
      long params = org.featureatlas.model.Models.load(in.model).parameterCount();
      assertTrue(4 * params > 64 << 10, "the model must be larger than the budget: " + params);
      assertTrue(msg.contains(String.format(java.util.Locale.ROOT, "the model alone (%,d parameters, %s as float32",
          params, MemoryBudget.format(4 * params))), msg);
      assertEquals(before, list(dir), cmd + " wrote something");
    }
  }

  @Test
  void badSizesAreRefusedAndHelpShowsTheOption() {
    for (String cmd : List.of("generate", "merge", "build")) {
      StringWriter help = new StringWriter();
      PrintStream stderr = System.err;
      ByteArrayOutputStream warnings = new ByteArrayOutputStream();
      System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
      try {
        assertEquals(0, Atlas.execute(new PrintWriter(help, true), new PrintWriter(new StringWriter(), true), cmd, "--help"));
      } finally {
        System.setErr(stderr);
      }
      assertTrue(help.toString().contains("--memory=SIZE"), cmd + ": " + help);
      // The default is stated as a share of the heap, and picocli formats the text without complaint.
      assertTrue(help.toString().replaceAll("\\s+", " ").contains("(default: " + MemoryBudget.DEFAULT_PERCENT + "% of the JVM's maximum"),
          cmd + ": " + help);
      assertFalse(warnings.toString(StandardCharsets.UTF_8).contains("picocli WARN"), cmd + ": " + warnings);
    }
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        "merge", "--memory", "lots", "--out", dir.resolve("m").toString(), dir.resolve("s").toString());
    assertEquals(2, rc);
    assertTrue(err.toString().contains("--memory must be a size such as 6g"), err.toString());
    assertFalse(Files.exists(dir.resolve("m")));
  }

  @Test
  void runningOutOfMemoryAnywayNamesTheStageAndTheBudgetInOneLine() {
    Generation g = new Generation(new Stages(), new PrintStream(new ByteArrayOutputStream()), MemoryBudget.parse("3g"));
    for (RuntimeException wrapped : List.<RuntimeException>of(new IllegalStateException("worker", new OutOfMemoryError("Java heap space")),
        new ai.djl.engine.EngineException("[enforce fail at alloc_cpu.cpp:83] DefaultCPUAllocator: can't allocate memory: you tried to allocate 1 bytes"))) {
      AtlasException e = assertThrows(AtlasException.class, () -> g.stage("pass C: example windows", () -> {
        throw wrapped;
      }));
      assertTrue(e.getMessage().startsWith("pass C: example windows: out of memory with --memory 3.0 GiB"), e.getMessage());
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
    AtlasException e = assertThrows(AtlasException.class, () -> g.stage("pass A: model + SAE + statistics", () -> {
      throw new OutOfMemoryError("Java heap space");
    }));
    assertTrue(e.getMessage().startsWith("pass A: model + SAE + statistics: out of memory with --memory 3.0 GiB"), e.getMessage());
    // Other failures pass through unchanged.
    IllegalStateException other = new IllegalStateException("bug");
    assertEquals(other, assertThrows(IllegalStateException.class, () -> g.stage("write data", () -> {
      throw other;
    })));
  }

  /** Runs generation with {@code budget}; returns its log. */
  static String run(GenerateRequest req, MemoryBudget budget, Path out) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new Generation(new Stages(), new PrintStream(log, true, StandardCharsets.UTF_8), budget).run(req, out);
    return log.toString(StandardCharsets.UTF_8);
  }

  /** The number of ~v blocks pass C reported. */
  static int blocks(String log) {
    Matcher m = Pattern.compile("pass C: ~v in (\\d+) block").matcher(log);
    assertTrue(m.find(), log);
    return Integer.parseInt(m.group(1));
  }

  static GenerateRequest request(TinyInputs in) {
    return new GenerateRequest(in.model, in.sae, in.saeB, in.tokens, null, null, "cpu", 5, SEED, null, null);
  }

  /** The least budget a run of {@code req} accepts, with feature chunks of {@code chunk}. */
  static long minimum(GenerateRequest req, int chunk) {
    AtlasInputs in = AtlasInputs.load(req);
    return new MemoryBudget(1, chunk).plan(MemoryBudget.sizes(in, req.settings(), req.batchSize())).minimumBytes();
  }

  /** Copies each feature of {@link #DUPLICATED} onto the next one (encoder column, bias, decoder row). */
  static void duplicate(Path saeDir) {
    SaeWeights w = SaeWeights.load(saeDir);
    HostTensor enc = w.wEnc();
    HostTensor dec = w.wDec();
    int dIn = dec.cols();
    int dSae = dec.rows();
    for (int a : DUPLICATED) {
      if (a + 1 >= dSae) continue;
      for (int j = 0; j < dIn; j++) enc.data()[j * dSae + a + 1] = enc.data()[j * dSae + a];
      System.arraycopy(dec.data(), a * dIn, dec.data(), (a + 1) * dIn, dIn);
      w.bEnc().data()[a + 1] = w.bEnc().data()[a];
      if (w.threshold() != null) w.threshold().data()[a + 1] = w.threshold().data()[a];
    }
    w.save(saeDir);
  }

  static List<Path> list(Path root) throws java.io.IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.sorted().toList();
    }
  }
}
