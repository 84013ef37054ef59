package org.featureatlas.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.io.Npy;
import org.featureatlas.model.ForwardOptions;
import org.featureatlas.model.Gemma2Config;
import org.featureatlas.model.Gemma2Weights;
import org.featureatlas.model.HookPoint;
import org.featureatlas.model.LanguageModel;
import org.featureatlas.model.LlamaConfig;
import org.featureatlas.model.LlamaWeights;
import org.featureatlas.model.ModelWeights;
import org.featureatlas.model.Models;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeConfig;
import org.featureatlas.sae.SaeWeights;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Pass A and peak memory for models of the other families at real widths and vocabularies with few layers: a
 * Gemma-2-2B-shaped model (d_model 2,304, 8 heads of 256, 4 KV heads, d_mlp 9,216, vocab 256,000, tied) and a
 * Llama-3.2-1B-shaped one (d_model 2,048, 32 heads, 8 KV heads, d_mlp 8,192, vocab 128,256, tied, rope llama3), random
 * BF16 weights written tensor by tensor in the Hugging Face layout (kept under {@code --work} for the next run). For
 * each: the peak resident memory of a JVM that only loads and builds the model (and, for comparison, of one that
 * first reads a Java copy of every tensor, as loading did before it streamed), then {@code atlas generate} in a JVM
 * of its own with a small SAE on the last layer's {@code hook_resid_post}: pass A's tokens/s, the whole run's
 * seconds and the peak resident memory. The SAE's random encoder is scaled to the hook's root mean square, measured
 * on held-out random tokens ({@link #hookSample}), so that a few percent of its features fire at each position as
 * in a trained SAE (pass A's sparse work and cache then have a realistic size); the fraction on that sample is
 * printed. Figures are printed, never asserted.
 */
@Command(name = "family-bench", mixinStandardHelpOptions = true, description = "Pass A and memory of Gemma-2-2B- and Llama-3.2-1B-shaped models.")
public final class FamilyBench implements Callable<Integer> {
  @Option(names = "--work", description = "Where inputs are kept (default: ${DEFAULT-VALUE}).")
  Path work = Path.of("target/bench-families");

  @Option(names = "--family", split = ",", description = "gemma2-2b, llama-3.2-1b (default: both).")
  List<String> families = List.of("gemma2-2b", "llama-3.2-1b");

  @Option(names = "--layers", description = "Layers of each model (default: ${DEFAULT-VALUE}).")
  int layers = 2;

  @Option(names = "--tokens", description = "Tokens of the dataset (default: ${DEFAULT-VALUE}).")
  int tokens = 2048;

  @Option(names = "--seq-len", description = "Sequence length (default: ${DEFAULT-VALUE}).")
  int seqLen = 128;

  @Option(names = "--features", description = "SAE features (default: ${DEFAULT-VALUE}).")
  int features = 1024;

  @Option(names = "--batch-size", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
  int batchSize = 4;

  @Option(names = "--java-opts", description = "Options of the child JVMs (default: ${DEFAULT-VALUE}).")
  String javaOpts = "-Xmx10g";

  @Option(names = "--generate-args", description = "Extra atlas generate arguments (default: ${DEFAULT-VALUE}).")
  String generateArgs = "--memory 9g";

  @Option(names = "--load-child", hidden = true, description = "Internal: load and build the model in DIR, print VmHWM.")
  Path loadChild;

  @Option(names = "--java-copy", hidden = true, description = "Internal: with --load-child, first read every tensor into Java.")
  boolean javaCopy;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOADED = "bench-load:";
  private static final Pattern LOADED_LINE = Pattern.compile("^" + LOADED + " params=(\\d+) largest=(\\d+) seconds=([0-9.]+) peak_kb=(-?\\d+)$");
  private static final Pattern STAGE = Pattern.compile("^(\\S.*?)\\s+(\\d+\\.\\d+)\\s+(\\d+\\.\\d)%$");
  private static final Pattern RESULT = Pattern.compile("^" + GenerateChild.RESULT + " rc=(-?\\d+) seconds=([0-9.]+) peak_kb=(-?\\d+)$");

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    CommandLine cli = new CommandLine(new FamilyBench());
    cli.setOverwrittenOptionsAllowed(true);
    System.exit(cli.execute(args));
  }

  @Override
  public Integer call() throws IOException {
    if (loadChild != null) {
      return loadOnly();
    }
    Files.createDirectories(work);
    for (String family : families) {
      Shape s = switch (family) {
        case "gemma2-2b" -> new Shape("gemma2", 2304, 8, 4, 256, 9216, 256_000, 26);
        case "llama-3.2-1b" -> new Shape("llama", 2048, 32, 8, 64, 8192, 128_256, 16);
        default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown --family " + family);
      };
      bench(family, s);
    }
    return 0;
  }

  /** The sizes of a family's model. */
  private record Shape(String type, int d, int heads, int kvHeads, int dHead, int dMlp, int vocab, int fullLayers) {
    long perLayer() {
      long q = (long) heads * dHead;
      long kv = (long) kvHeads * dHead;
      long norms = type.equals("gemma2") ? 4L * d : 2L * d;
      return 2 * q * d + 2 * kv * d + 3L * d * dMlp + norms;
    }

    long params(int nLayers) {
      return (long) vocab * d + nLayers * perLayer() + d;
    }
  }

  private void bench(String family, Shape s) throws IOException {
    System.out.printf(Locale.ROOT, "==== %s-shaped, %d of %d layers (d_model %d, d_mlp %d, %d heads, %d KV heads, vocab %,d), "
        + "random BF16 weights ====%n", family, layers, s.fullLayers, s.d, s.dMlp, s.heads, s.kvHeads, s.vocab);
    Path model = work.resolve(family + "-L" + layers);
    long t0 = System.nanoTime();
    if (!Files.isRegularFile(model.resolve("model.safetensors"))) {
      Path tmp = model.resolveSibling(model.getFileName() + ".tmp");
      if (Files.exists(tmp)) AtomicDirectory.deleteTree(tmp);
      Files.createDirectories(tmp);
      writeModel(tmp, s);
      if (Files.exists(model)) AtomicDirectory.deleteTree(model);
      Files.move(tmp, model);
    }
    ModelWeights w = Models.load(model);
    System.out.printf(Locale.ROOT, "setup: %,d parameters (%s), largest tensor %,d values (%.1f s)%n", w.parameterCount(),
        String.format(Locale.ROOT, "%.2f GiB as float32", 4.0 * w.parameterCount() / (1L << 30)), w.largestTensor(),
        (System.nanoTime() - t0) / 1e9);
    String hook = "blocks." + (layers - 1) + ".hook_resid_post";
    Path sae = work.resolve("sae-" + family + "-L" + layers + "-F" + features + "-rms");
    if (!Files.isRegularFile(sae.resolve(SaeWeights.WEIGHTS_FILE))) {
      SplittableRandom r = new SplittableRandom(4);
      int[] held = new int[2 * seqLen]; // held-out random tokens, not the dataset's
      for (int i = 0; i < held.length; i++) held[i] = r.nextInt(s.vocab);
      float[] x = hookSample(w, HookPoint.parse(hook), held, seqLen);
      double rms = rms(x);
      SaeWeights saeWeights = scaledSae(s.d, features, hook, rms);
      System.out.printf(Locale.ROOT, "SAE: encoder scaled to the hook's RMS %.4g (measured on %d held-out positions): "
          + "%.2f%% of the features fire per position there (L0 %.1f)%n", rms, held.length,
          100 * firingFraction(saeWeights, x), features * firingFraction(saeWeights, x));
      saeWeights.save(sae);
    }
    int nSeq = tokens / seqLen;
    Path tokensFile = work.resolve("tokens-" + family + "-" + nSeq + "x" + seqLen + ".npy");
    if (!Files.isRegularFile(tokensFile)) {
      SplittableRandom r = new SplittableRandom(2);
      int[] ids = new int[nSeq * seqLen];
      for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(s.vocab);
      Npy.writeInts(tokensFile, nSeq, seqLen, ids);
    }

    long[] streamed = loadChild(model, false);
    long[] copied = loadChild(model, true);
    Map<String, String> stages = new LinkedHashMap<>();
    long[] gen = generate(model, sae, tokensFile, stages);

    double params = w.parameterCount();
    double full = s.params(s.fullLayers);
    System.out.printf(Locale.ROOT, "---- %s, %d layers ----%n", family, layers);
    System.out.printf(Locale.ROOT, "load + build the model, streamed:        peak RSS %,8d MiB  (%.1f s; model %,.0f MiB as float32)%n",
        streamed[1] / 1024, streamed[0] / 1e3, 4 * params / (1 << 20));
    System.out.printf(Locale.ROOT, "load + build, after a Java copy of all:  peak RSS %,8d MiB  (%.1f s; as loading did before it streamed)%n",
        copied[1] / 1024, copied[0] / 1e3);
    String passA = stages.get("pass A: model + SAE + statistics");
    if (gen[0] == 0 && passA != null) {
      double sec = Double.parseDouble(passA);
      System.out.printf(Locale.ROOT, "pass A (%d layers + SAE of %d features): %,8.0f tokens/s  (%.1f s for %d tokens, batches of %d x %d)%n",
          layers, features, nSeq * seqLen / sec, sec, nSeq * seqLen, batchSize, seqLen);
      System.out.printf(Locale.ROOT, "whole generation:                        %8.1f s; peak RSS %,d MiB  (%s, %s)%n", gen[1] / 1e3,
          gen[2] / 1024, javaOpts, generateArgs);
    } else {
      System.out.printf(Locale.ROOT, "generation FAILED (exit %d); its output is above%n", gen[0]);
    }
    double extra = 4 * (full - params) / (1 << 20);
    System.out.printf(Locale.ROOT, "EXTRAPOLATED, NOT MEASURED, all %d layers: %,.0f parameters, %.2f GiB as float32; peak RSS about "
        + "%,.0f MiB building the model and %,.0f MiB generating (+%,.0f MiB of weights)%s%n", s.fullLayers, full, 4 * full / (1L << 30),
        streamed[1] / 1024 + extra, gen[2] / 1024 + extra, extra, gen[0] == 0 && passA != null
            ? String.format(Locale.ROOT, "; pass A at least about %.0f tokens/s (%d/%d of the rate above: the SAE and statistics do not grow with layers)",
                nSeq * seqLen / Double.parseDouble(passA) * layers / s.fullLayers, layers, s.fullLayers)
            : "");
  }

  /**
   * The values of {@code hook} for {@code ids} (sequences of {@code seqLen}), {@code [positions, width]} row-major,
   * from the model built on the device for the occasion (and closed after).
   */
  static float[] hookSample(ModelWeights weights, HookPoint hook, int[] ids, int seqLen) {
    try (NDManager manager = NDManager.newBaseManager(); LanguageModel model = weights.newModel(manager)) {
      // ai.djl's Shape, by its full name: this class has a Shape of its own.
      NDArray tok = manager.create(ids, new ai.djl.ndarray.types.Shape(ids.length / seqLen, seqLen)); // [batch, seq]
      return model.forward(tok, ForwardOptions.upTo(hook)).hook(hook).toFloatArray(); // [batch, seq, width]
    }
  }

  /** The root mean square of {@code x}'s entries. */
  static double rms(float[] x) {
    double ss = 0;
    for (float v : x) ss += (double) v * v;
    return Math.sqrt(ss / x.length);
  }

  /**
   * A standard random SAE ({@link SaeWeights#random}) whose encoder is scaled to inputs of root mean square
   * {@code rms}: pre-activations about N(-2, 1), so a few percent of the features fire.
   */
  static SaeWeights scaledSae(int dIn, int dSae, String hook, double rms) {
    return SaeWeights.random(new SaeConfig(Architecture.STANDARD, dIn, dSae, hook, true, 0, null, "bench"), 3, rms);
  }

  /** The fraction of (position, feature) pairs of {@code x [positions, d_in]} that fire under {@code sae}. */
  static double firingFraction(SaeWeights sae, float[] x) {
    int dIn = sae.config().dIn();
    int dSae = sae.config().dSae();
    int n = x.length / dIn;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray in = m.create(x, new ai.djl.ndarray.types.Shape(n, dIn)); // [n, dIn]
      if (sae.config().applyBDecToInput()) in = in.sub(m.create(sae.bDec().data())); // [n, dIn]
      NDArray pre = in.matMul(m.create(sae.wEnc().data(), new ai.djl.ndarray.types.Shape(dIn, dSae)))
          .add(m.create(sae.bEnc().data())); // [n, dSae]
      return pre.gt(0).sum().toType(DataType.FLOAT64, false).getDouble() / ((double) n * dSae);
    }
  }

  /** Writes config.json and model.safetensors (BF16, N(0, 0.02); RMSNorm weights 1, or 0 for Gemma's 1 + w) tensor by tensor. */
  private void writeModel(Path dir, Shape s) throws IOException {
    ObjectNode c = JSON.createObjectNode();
    c.put("model_type", s.type);
    c.put("hidden_size", s.d);
    c.put("intermediate_size", s.dMlp);
    c.put("num_hidden_layers", layers);
    c.put("num_attention_heads", s.heads);
    c.put("num_key_value_heads", s.kvHeads);
    c.put("head_dim", s.dHead);
    c.put("vocab_size", s.vocab);
    c.put("rms_norm_eps", 1e-6);
    c.put("tie_word_embeddings", true);
    if (s.type.equals("gemma2")) {
      c.put("max_position_embeddings", 8192);
      c.put("hidden_activation", "gelu_pytorch_tanh");
      c.put("query_pre_attn_scalar", 256);
      c.put("attn_logit_softcapping", 50.0);
      // No final soft cap, as when the figures were first taken: pass C then takes the float kernels (pass A, which
      // this measures, does not depend on it; real Gemma 2 caps at 30 and pass C then runs in double).
      c.putNull("final_logit_softcapping");
      c.put("sliding_window", 4096);
      c.put("rope_theta", 10000.0);
    } else {
      c.put("max_position_embeddings", 131072);
      c.put("hidden_act", "silu");
      c.put("rope_theta", 500000.0);
      ObjectNode rope = c.putObject("rope_scaling");
      rope.put("rope_type", "llama3");
      rope.put("factor", 32.0);
      rope.put("low_freq_factor", 1.0);
      rope.put("high_freq_factor", 4.0);
      rope.put("original_max_position_embeddings", 8192);
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), c);
    Map<String, long[]> shapes = s.type.equals("gemma2")
        ? Gemma2Weights.expectedShapes(Gemma2Config.read(dir.resolve("config.json")))
        : LlamaWeights.expectedShapes(LlamaConfig.read(dir.resolve("config.json")));
    Map<String, Object> header = new LinkedHashMap<>();
    long offset = 0;
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      long n = 1;
      for (long d : e.getValue()) n *= d;
      header.put("model." + e.getKey(), Map.of("dtype", "BF16", "shape", e.getValue(), "data_offsets", List.of(offset, offset + 2 * n)));
      offset += 2 * n;
    }
    byte[] h = JSON.writeValueAsBytes(header);
    try (FileChannel ch = FileChannel.open(dir.resolve("model.safetensors"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer head = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
      head.flip();
      while (head.hasRemaining()) ch.write(head);
      ByteBuffer buf = ByteBuffer.allocate(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        long n = 1;
        for (long d : e.getValue()) n *= d;
        boolean norm = e.getKey().contains("norm");
        short constant = norm && !s.type.equals("gemma2") ? (short) 0x3F80 : 0; // 1.0 or 0.0 in BF16
        SplittableRandom r = new SplittableRandom(e.getKey().hashCode());
        for (long i = 0; i < n; i++) {
          short v = norm ? constant : (short) (Float.floatToRawIntBits((float) (0.02 * gaussian(r))) >>> 16);
          buf.putShort(v);
          if (!buf.hasRemaining()) {
            buf.flip();
            while (buf.hasRemaining()) ch.write(buf);
            buf.clear();
          }
        }
      }
      buf.flip();
      while (buf.hasRemaining()) ch.write(buf);
    }
  }

  private static double gaussian(SplittableRandom r) {
    // Irwin-Hall: the sum of 4 uniforms, centred and scaled to unit variance (fast; the tails do not matter here).
    return (r.nextDouble() + r.nextDouble() + r.nextDouble() + r.nextDouble() - 2) * Math.sqrt(3);
  }

  /** Runs a JVM that loads and builds the model; returns {milliseconds, peak KiB}. */
  private long[] loadChild(Path model, boolean copy) throws IOException {
    List<String> cmd = javaCommand(FamilyBench.class.getName());
    cmd.addAll(List.of("--load-child", model.toString()));
    if (copy) cmd.add("--java-copy");
    long[] out = {-1, -1};
    run(cmd, line -> {
      Matcher m = LOADED_LINE.matcher(line);
      if (m.matches()) {
        out[0] = Math.round(Double.parseDouble(m.group(3)) * 1e3);
        out[1] = Long.parseLong(m.group(4));
        return true;
      }
      return false;
    });
    return out;
  }

  /** Runs atlas generate in a JVM of its own; returns {rc, milliseconds, peak KiB} and fills {@code stages}. */
  private long[] generate(Path model, Path sae, Path tokensFile, Map<String, String> stages) throws IOException {
    Path out = work.resolve("data");
    if (Files.exists(out)) AtomicDirectory.deleteTree(out);
    List<String> cmd = javaCommand(GenerateChild.class.getName());
    cmd.addAll(List.of("generate", "--model", model.toString(), "--sae", sae.toString(), "--tokens", tokensFile.toString(),
        "--out", out.toString(), "--batch-size", Integer.toString(batchSize)));
    cmd.addAll(List.of(generateArgs.trim().split("\\s+")));
    long[] res = {1, -1, -1};
    run(cmd, line -> {
      Matcher r = RESULT.matcher(line);
      if (r.matches()) {
        res[0] = Integer.parseInt(r.group(1));
        res[1] = Math.round(Double.parseDouble(r.group(2)) * 1e3);
        res[2] = Long.parseLong(r.group(3));
        return true;
      }
      Matcher st = STAGE.matcher(line.strip());
      if (st.matches()) stages.put(st.group(1), st.group(2));
      return false;
    });
    if (Files.exists(out)) AtomicDirectory.deleteTree(out);
    return res;
  }

  private List<String> javaCommand(String main) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(javaOpts.trim().split("\\s+")));
    cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda=error"));
    if (System.getProperty("atlas.home") != null) cmd.add("-Datlas.home=" + System.getProperty("atlas.home"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
    return cmd;
  }

  private static void run(List<String> cmd, java.util.function.Predicate<String> result) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (!result.test(line)) System.out.println("  | " + line);
      }
    }
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  /** The load child: loads and builds the model (after a Java copy of every tensor with --java-copy), prints VmHWM. */
  private int loadOnly() {
    long t0 = System.nanoTime();
    ModelWeights w = Models.load(loadChild);
    Object copy = null;
    if (javaCopy) {
      copy = w instanceof Gemma2Weights g ? g.all() : w instanceof LlamaWeights l ? l.all() : null;
    }
    try (NDManager manager = NDManager.newBaseManager(); LanguageModel m = w.newModel(manager)) {
      System.out.printf(Locale.ROOT, "%s params=%d largest=%d seconds=%.3f peak_kb=%d%n", LOADED, w.parameterCount(), w.largestTensor(),
          (System.nanoTime() - t0) / 1e9, GenerateBench.peakRssKb());
    }
    if (copy == null && javaCopy) throw new IllegalStateException("no Java copy for " + w.getClass());
    return 0;
  }
}
