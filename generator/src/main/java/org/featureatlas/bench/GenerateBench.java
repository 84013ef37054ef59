package org.featureatlas.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.io.Npy;
import org.featureatlas.model.ForwardOptions;
import org.featureatlas.model.ForwardResult;
import org.featureatlas.model.Gpt2Config;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.model.HookPoint;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeConfig;
import org.featureatlas.sae.SaeEncoder;
import org.featureatlas.sae.SaeWeights;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The generation benchmark: random weights (GPT-2-small sizes by default), a synthetic SAE on
 * blocks.0.hook_resid_post, random tokens. {@code atlas generate} runs in its own JVM
 * ({@link GenerateChild}), so its peak resident memory is its own; this JVM builds the inputs (kept
 * under {@code --work} for the next run), then measures the bare model forward (all layers, logits)
 * plus SAE encode on the same batches, the best float32 matmul rate, and prints the ratios of the
 * whole generation to the bare forward and to the FLOP floor. See docs/benchmarks.md.
 */
@Command(name = "bench-generate", mixinStandardHelpOptions = true, description = "Generation benchmark (see docs/benchmarks.md).")
public final class GenerateBench implements Callable<Integer> {
  /** The synthetic SAE. */
  enum Case {
    /** Standard (ReLU) SAE whose random biases make a few percent of features fire per position. */
    FEW_PERCENT,
    /** JumpReLU SAE with per-feature thresholds calibrated for a given L0 (see {@link SparseSae}). */
    L0
  }

  @Option(names = "--case", defaultValue = "l0", converter = CaseConverter.class,
      description = "few-percent (standard SAE, a few percent of features fire) or l0 (JumpReLU calibrated to --l0; default).")
  Case sae;

  @Option(names = "--l0", defaultValue = "60", description = "Target L0 of the l0 case (default: ${DEFAULT-VALUE}).")
  double l0;

  @Option(names = "--calibration-tokens", defaultValue = "16384",
      description = "Held-out positions the l0 case's thresholds are calibrated on (default: ${DEFAULT-VALUE}).")
  int calibrationTokens;

  @Option(names = "--sae-b", description = "Add a second SAE of the same kind and size (generate --sae-b).")
  boolean saeB;

  @Option(names = "--tokens", defaultValue = "65536", description = "Tokens in the dataset (default: ${DEFAULT-VALUE}).")
  int tokens;

  @Option(names = "--seq-len", defaultValue = "128", description = "Sequence length (default: ${DEFAULT-VALUE}).")
  int seqLen;

  @Option(names = "--layers", defaultValue = "12", description = "Transformer blocks (default: ${DEFAULT-VALUE}, GPT-2 small).")
  int layers;

  @Option(names = "--d-model", defaultValue = "768", description = "Residual width (default: ${DEFAULT-VALUE}).")
  int dModel;

  @Option(names = "--vocab", defaultValue = "50257", description = "Vocabulary (default: ${DEFAULT-VALUE}).")
  int vocab;

  @Option(names = "--features", defaultValue = "24576", description = "SAE features (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(names = "--batch-size", defaultValue = "8", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--work", defaultValue = "target/bench-generate", description = "Scratch directory; inputs are kept there for the next run (default: ${DEFAULT-VALUE}).")
  Path work;

  @Option(names = "--java-opts", defaultValue = "-Xmx6g", description = "JVM options of the generate JVM (default: ${DEFAULT-VALUE}).")
  String javaOpts;

  @Option(names = "--generate-args", defaultValue = "", description = "Extra `atlas generate` arguments, split on spaces (e.g. \"--memory 5g\").")
  String generateArgs;

  @Option(names = "--label", description = "Name of this run in --results (default: case and sizes).")
  String label;

  @Option(names = "--results", description = "Also write this run's figures to DIR/LABEL.properties (for ScaleReport).")
  Path results;

  @Option(names = "--skip-bare", description = "Skip the bare forward + encode measurement (and the dataset L0).")
  boolean skipBare;

  @Option(names = "--skip-floor", description = "Skip the matmul rate measurement (and the FLOP floor).")
  boolean skipFloor;

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    CommandLine cli = new CommandLine(new GenerateBench());
    cli.setOverwrittenOptionsAllowed(true); // a later --tokens (from BENCH_ARGS) wins
    System.exit(cli.execute(args));
  }

  static final class CaseConverter implements CommandLine.ITypeConverter<Case> {
    @Override
    public Case convert(String value) {
      return switch (value) {
        case "few-percent" -> Case.FEW_PERCENT;
        case "l0" -> Case.L0;
        default -> throw new CommandLine.TypeConversionException("expected few-percent or l0, got " + value);
      };
    }
  }

  private HookPoint hook;
  private Gpt2Config cfg;

  @Override
  public Integer call() throws IOException {
    hook = HookPoint.parse("blocks.0.hook_resid_post");
    cfg = new Gpt2Config(layers, Math.max(1, dModel / 64), dModel, Math.max(1024, seqLen), vocab, 4 * dModel, 1e-5, "gelu_new");
    int nSeq = tokens / seqLen;
    if (label == null) {
      label = caseName() + "-" + features + (saeB ? "+" + features : "") + "-" + nSeq * seqLen;
    }
    Files.createDirectories(work);
    long t0 = System.nanoTime();
    String modelKey = "L" + layers + "-d" + dModel + "-v" + vocab + "-c" + cfg.nPositions();
    Path modelDir = work.resolve("model-" + modelKey);
    if (!Files.isRegularFile(modelDir.resolve(Gpt2Weights.WEIGHTS_FILE))) {
      Path tmp = fresh(modelDir);
      Gpt2Weights.random(cfg, 1).save(tmp, true);
      commit(tmp, modelDir);
    }
    Gpt2Weights weights = Gpt2Weights.load(modelDir);
    int[] ids = randomTokens(nSeq * seqLen, 2);
    Path tokensFile = work.resolve("tokens-" + nSeq + "x" + seqLen + "-v" + vocab + ".npy");
    if (!Files.isRegularFile(tokensFile)) {
      Path tmp = work.resolve(tokensFile.getFileName() + ".tmp");
      Npy.writeInts(tmp, nSeq, seqLen, ids);
      Files.move(tmp, tokensFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    double hookStd = hookStd(weights, Arrays.copyOf(ids, Math.min(ids.length, 4 * seqLen)));
    float[] sample = sae == Case.L0 ? calibrationSample(weights) : null;
    Path saeDir = sae(modelKey, 3, hookStd, sample);
    Path saeBDir = saeB ? sae(modelKey, 5, hookStd, sample) : null;
    weights = null;
    System.out.printf(Locale.ROOT, "setup: %d layers, d_model %d, d_mlp %d, vocab %d, %s SAE of %d features%s on %s, %d x %d tokens (%.1f s)%n",
        layers, dModel, cfg.dMlp(), vocab, saeDescription(), features, saeB ? " plus a second one (--sae-b)" : "", hook, nSeq, seqLen,
        (System.nanoTime() - t0) / 1e9);

    Map<String, String> figures = new LinkedHashMap<>();
    figures.put("label", label);
    figures.put("case", caseName());
    figures.put("features", Integer.toString(features));
    figures.put("features_b", Integer.toString(saeB ? features : 0));
    figures.put("tokens", Integer.toString(nSeq * seqLen));
    figures.put("layers", Integer.toString(layers));
    figures.put("d_model", Integer.toString(dModel));
    figures.put("vocab", Integer.toString(vocab));
    figures.put("java_opts", javaOpts);
    figures.put("generate_args", generateArgs);

    Path out = work.resolve("data");
    System.gc();
    Child child = runGenerate(modelDir, saeDir, saeBDir, tokensFile, out, figures);
    if (Files.exists(out)) AtomicDirectory.deleteTree(out);

    double ntok = nSeq * (double) seqLen;
    double bare = Double.NaN;
    if (!skipBare) {
      bare = bare(modelDir, saeDir, saeBDir, ids, nSeq, figures);
      figures.put("bare_seconds", fmt(bare));
    }
    double floor = Double.NaN;
    double flops = ntok * flopsPerToken(cfg, seqLen, features + (saeB ? features : 0));
    figures.put("flops", String.format(Locale.ROOT, "%.6e", flops));
    if (!skipFloor) {
      double rate = bestMatmulRate(batchSize * seqLen);
      floor = flops / rate;
      figures.put("matmul_flops_per_s", String.format(Locale.ROOT, "%.6e", rate));
      figures.put("floor_seconds", fmt(floor));
      System.out.printf(Locale.ROOT, "float32 matmul rate:    %10.1f GFLOP/s (best of the sizes above)%n", rate / 1e9);
    }

    System.out.printf(Locale.ROOT, "---- %s ----%n", label);
    if (child.ok()) {
      System.out.printf(Locale.ROOT, "whole generation:       %10.0f tokens/s  (%.1f s, including loading the inputs)%n", ntok / child.seconds, child.seconds);
    } else {
      System.out.printf(Locale.ROOT, "whole generation:       FAILED (exit %d after %.1f s; its output is above)%n", child.rc, child.seconds);
    }
    if (!skipBare) {
      System.out.printf(Locale.ROOT, "bare forward (%d layers + logits) + encode: %.0f tokens/s  (%.1f s)%n", layers, ntok / bare, bare);
      if (child.ok()) {
        System.out.printf(Locale.ROOT, "ratio whole / bare:     %10.2f x  (target <= 1.5)%n", child.seconds / bare);
      }
    }
    if (!skipFloor) {
      System.out.printf(Locale.ROOT, "FLOP floor:             %10.1f s  (%.3g FLOP of forward + logits + encode at the measured matmul rate)%n", floor, flops);
      if (child.ok()) {
        System.out.printf(Locale.ROOT, "ratio whole / floor:    %10.2f x  (target <= 2)%n", child.seconds / floor);
      }
      if (!skipBare) {
        System.out.printf(Locale.ROOT, "ratio bare / floor:     %10.2f x%n", bare / floor);
      }
    }
    System.out.printf(Locale.ROOT, "peak resident memory:   %10s MiB  (VmHWM of the generate JVM, %s; target <= 8192)%n",
        child.peakKb < 0 ? "unknown" : String.format(Locale.ROOT, "%.0f", child.peakKb / 1024.0), javaOpts);
    if (results != null) {
      Files.createDirectories(results);
      Properties p = new Properties();
      p.putAll(figures);
      try (OutputStream o = Files.newOutputStream(results.resolve(label + ".properties"))) {
        p.store(o, "GenerateBench " + label);
      }
    }
    return 0;
  }

  private String caseName() {
    return sae == Case.L0 ? "l0-" + fmtShort(l0) : "few-percent";
  }

  private String saeDescription() {
    return sae == Case.L0
        ? "jumprelu (thresholds calibrated for L0 " + fmtShort(l0) + " on " + calibrationTokens + " held-out positions)"
        : "standard (few-percent density)";
  }

  /** Builds (or reuses) the SAE of this case, seeded by {@code seed}. */
  private Path sae(String modelKey, long seed, double hookStd, float[] sample) {
    String key = caseName() + (sae == Case.L0 ? "-n" + calibrationTokens : "") + "-F" + features + "-s" + seed + "-" + modelKey;
    Path dir = work.resolve("sae-" + key);
    if (Files.isRegularFile(dir.resolve(SaeWeights.WEIGHTS_FILE))) return dir;
    Architecture arch = Architecture.STANDARD;
    SaeConfig saeCfg = new SaeConfig(arch, dModel, features, hook.toString(), true, 0, null, "bench");
    SaeWeights w = SaeWeights.random(saeCfg, seed, hookStd);
    if (sae == Case.L0) {
      w = SparseSae.calibrate(w, sample, sample.length / dModel, l0, seed + 100);
      int n = sample.length / dModel;
      double onSample = Arrays.stream(SparseSae.targetRates(features, l0, seed + 100)).map(rate -> SparseSae.rank(rate, n)).sum() / n;
      System.out.printf(Locale.ROOT, "calibrated %d JumpReLU thresholds for L0 %s on %d held-out positions: L0 %.2f on that sample%n",
          features, fmtShort(l0), n, onSample);
    }
    Path tmp = fresh(dir);
    w.save(tmp);
    commit(tmp, dir);
    return dir;
  }

  private static Path fresh(Path dir) {
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    if (Files.exists(tmp)) AtomicDirectory.deleteTree(tmp);
    return tmp;
  }

  private static void commit(Path tmp, Path dir) {
    try {
      if (Files.exists(dir)) AtomicDirectory.deleteTree(dir);
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private int[] randomTokens(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] ids = new int[n];
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(vocab);
    return ids;
  }

  /** Hook values {@code [n, dModel]} of held-out random tokens, centred over d_model as generation centres them. */
  private float[] calibrationSample(Gpt2Weights weights) {
    int nSeq = Math.max(1, calibrationTokens / seqLen);
    calibrationTokens = nSeq * seqLen;
    int[] ids = randomTokens(calibrationTokens, 4);
    float[] sample = new float[calibrationTokens * dModel];
    try (NDManager manager = NDManager.newBaseManager(); Gpt2Model model = new Gpt2Model(weights, manager)) {
      for (int first = 0; first < nSeq; first += batchSize) {
        int n = Math.min(batchSize, nSeq - first);
        try (NDManager m = manager.newSubManager()) {
          NDArray tok = m.create(Arrays.copyOfRange(ids, first * seqLen, (first + n) * seqLen), new Shape(n, seqLen)); // [batch, seq]
          NDArray x = model.forward(tok, ForwardOptions.upTo(hook)).hooks().get(hook).reshape(n * seqLen, -1); // [rows, dModel]
          float[] c = x.sub(x.mean(new int[] {1}, true)).toFloatArray();
          System.arraycopy(c, 0, sample, first * seqLen * dModel, c.length);
        }
      }
    }
    return sample;
  }

  /** The result of the generate JVM. */
  private record Child(int rc, double seconds, long peakKb) {
    boolean ok() {
      return rc == 0;
    }
  }

  private static final Pattern STAGE = Pattern.compile("^(\\S.*?)\\s+(\\d+\\.\\d+)\\s+(\\d+\\.\\d)%$");
  private static final Pattern RESULT = Pattern.compile("^" + GenerateChild.RESULT + " rc=(-?\\d+) seconds=([0-9.]+) peak_kb=(-?\\d+)$");

  /** Runs {@code atlas generate} in a JVM of its own, echoing its output. */
  private Child runGenerate(Path modelDir, Path saeDir, Path saeBDir, Path tokensFile, Path out, Map<String, String> figures)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(split(javaOpts));
    cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda=error"));
    if (System.getProperty("atlas.home") != null) cmd.add("-Datlas.home=" + System.getProperty("atlas.home"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GenerateChild.class.getName()));
    cmd.addAll(List.of("generate", "--model", modelDir.toString(), "--sae", saeDir.toString()));
    if (saeBDir != null) cmd.addAll(List.of("--sae-b", saeBDir.toString()));
    cmd.addAll(List.of("--tokens", tokensFile.toString(), "--out", out.toString(), "--batch-size", Integer.toString(batchSize)));
    cmd.addAll(split(generateArgs));
    System.out.println("generate JVM: " + String.join(" ", cmd.subList(1, cmd.size())).replace(System.getProperty("java.class.path"), "<classpath>"));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Child[] result = {null};
    Consumer<String> onLine = line -> {
      Matcher r = RESULT.matcher(line);
      if (r.matches()) {
        result[0] = new Child(Integer.parseInt(r.group(1)), Double.parseDouble(r.group(2)), Long.parseLong(r.group(3)));
        return;
      }
      System.out.println("  | " + line);
      Matcher s = STAGE.matcher(line.strip());
      if (s.matches()) {
        figures.put("order.stage." + s.group(1), Long.toString(figures.keySet().stream().filter(k -> k.startsWith("order.")).count()));
        figures.put("stage." + s.group(1), s.group(2));
      }
    };
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) onLine.accept(line);
    }
    int exit;
    try {
      exit = p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    }
    Child c = result[0] != null ? result[0] : new Child(exit == 0 ? 1 : exit, (System.nanoTime() - t0) / 1e9, -1);
    figures.put("rc", Integer.toString(c.rc));
    figures.put("whole_seconds", fmt(c.seconds));
    figures.put("peak_kb", Long.toString(c.peakKb));
    return c;
  }

  private static List<String> split(String s) {
    return s == null || s.isBlank() ? List.of() : Arrays.asList(s.strip().split("\\s+"));
  }

  /**
   * Seconds of the bare forward (all layers, logits) plus encode (both SAEs with --sae-b) over the
   * dataset in generation's batches; also counts the dataset's L0 and per-feature firing rates.
   */
  private double bare(Path modelDir, Path saeDir, Path saeBDir, int[] ids, int nSeq, Map<String, String> figures) {
    Gpt2Weights weights = Gpt2Weights.load(modelDir);
    SaeWeights a = SaeWeights.load(saeDir);
    SaeWeights b = saeBDir == null ? null : SaeWeights.load(saeBDir);
    double[] fired = new double[features];
    double seconds;
    try (NDManager manager = NDManager.newBaseManager();
        Gpt2Model model = new Gpt2Model(weights, manager);
        SaeEncoder enc = new SaeEncoder(a, manager);
        SaeEncoder encB = b == null ? null : new SaeEncoder(b, manager)) {
      weights = null;
      a = null;
      b = null;
      long counting = 0;
      long t0 = System.nanoTime();
      for (int first = 0; first < nSeq; first += batchSize) {
        int n = Math.min(batchSize, nSeq - first);
        try (NDManager m = manager.newSubManager()) {
          NDArray tok = m.create(Arrays.copyOfRange(ids, first * seqLen, (first + n) * seqLen), new Shape(n, seqLen)); // [batch, seq]
          ForwardResult fr = model.forward(tok, new ForwardOptions(Set.of(hook), null, true));
          NDArray x = fr.hooks().get(hook).reshape(n * seqLen, -1); // [rows, dModel]
          NDArray xc = x.sub(x.mean(new int[] {1}, true)); // [rows, dModel]
          NDArray f = enc.encode(xc); // [rows, dSae]
          f.toFloatArray();
          if (encB != null) encB.encode(xc).toFloatArray();
          fr.logits().get(0).toFloatArray();
          long c0 = System.nanoTime();
          float[] counts = f.neq(0f).toType(DataType.FLOAT32, false).sum(new int[] {0}).toFloatArray(); // [dSae]
          for (int i = 0; i < features; i++) fired[i] += counts[i];
          counting += System.nanoTime() - c0;
        }
      }
      seconds = (System.nanoTime() - t0 - counting) / 1e9;
    }
    double ntok = nSeq * (double) seqLen;
    double l0Measured = Arrays.stream(fired).sum() / ntok;
    double[] rates = Arrays.stream(fired).map(c -> c / ntok).sorted().toArray();
    long dead = Arrays.stream(fired).filter(c -> c == 0).count();
    System.out.printf(Locale.ROOT, "measured L0 on the dataset: %.1f of %d features (%.3f%% of positions per feature on average); "
        + "per-feature firing rate p5 %.3f%%, median %.3f%%, p95 %.3f%%; %d features never fire%n",
        l0Measured, features, 100 * l0Measured / features, 100 * rates[(int) (0.05 * (rates.length - 1))],
        100 * rates[(rates.length - 1) / 2], 100 * rates[(int) (0.95 * (rates.length - 1))], dead);
    figures.put("l0", fmt(l0Measured));
    return seconds;
  }

  /** FLOPs per token of the forward (all layers; attention over the full sequence), logits and encode. */
  static double flopsPerToken(Gpt2Config cfg, int seqLen, long saeFeatures) {
    double d = cfg.nEmbd();
    double perLayer = 2 * d * 3 * d + 2 * d * d + 2 * 2 * d * cfg.dMlp() + 2 * 2 * seqLen * d;
    return cfg.nLayer() * perLayer + 2 * d * cfg.vocabSize() + 2 * d * saeFeatures;
  }

  /** The best float32 matmul rate (FLOP/s) of DJL at this run's sizes: one batch's MLP and logits products. */
  private double bestMatmulRate(int rows) {
    double best = 0;
    try (NDManager m = NDManager.newBaseManager()) {
      int[][] shapes = {{rows, dModel, cfg.dMlp()}, {rows, dModel, vocab}};
      for (int[] s : shapes) {
        NDArray x = m.randomNormal(new Shape(s[0], s[1])); // [rows, k]
        NDArray w = m.randomNormal(new Shape(s[1], s[2])); // [k, n]
        double flop = 2.0 * s[0] * s[1] * s[2];
        double shapeBest = 0;
        for (int run = 0; run < 4; run++) {
          try (NDManager r = m.newSubManager()) {
            long t0 = System.nanoTime();
            NDArray y = x.matMul(w); // [rows, n]
            y.attach(r);
            y.get(0, 0).getFloat();
            double rate = flop / ((System.nanoTime() - t0) / 1e9);
            if (run > 0) shapeBest = Math.max(shapeBest, rate); // the first run warms up
          }
        }
        System.out.printf(Locale.ROOT, "matmul [%d x %d] x [%d x %d]: %.1f GFLOP/s (best of 3 after a warm-up)%n", s[0], s[1], s[1], s[2], shapeBest / 1e9);
        best = Math.max(best, shapeBest);
      }
    }
    return best;
  }

  private double hookStd(Gpt2Weights weights, int[] ids) {
    try (NDManager manager = NDManager.newBaseManager(); Gpt2Model model = new Gpt2Model(weights, manager)) {
      NDArray tok = manager.create(ids, new Shape(ids.length / seqLen, seqLen));
      NDArray x = model.forward(tok, ForwardOptions.upTo(hook)).hooks().get(hook);
      float[] v = x.toFloatArray();
      double s = 0;
      double ss = 0;
      for (float a : v) {
        s += a;
        ss += (double) a * a;
      }
      double mean = s / v.length;
      return Math.sqrt(Math.max(ss / v.length - mean * mean, 1e-12));
    }
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String fmtShort(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** Peak resident set size of this process in KiB (Linux VmHWM), or -1 if unknown. */
  static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
