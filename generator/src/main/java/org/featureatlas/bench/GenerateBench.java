package org.featureatlas.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.generate.GenerateRequest;
import org.featureatlas.generate.GenerateSettings;
import org.featureatlas.generate.Generation;
import org.featureatlas.io.Npy;
import org.featureatlas.model.ForwardOptions;
import org.featureatlas.model.ForwardResult;
import org.featureatlas.model.Gpt2Config;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.model.HookPoint;
import org.featureatlas.progress.Stages;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeConfig;
import org.featureatlas.sae.SaeEncoder;
import org.featureatlas.sae.SaeWeights;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The generation benchmark: random weights at GPT-2-small sizes, a 24,576-feature SAE on
 * blocks.0.hook_resid_post, random tokens. Prints tokens/s of the whole generation, tokens/s of the bare
 * model forward plus SAE encode on the same batches, their ratio, and the process's peak resident memory.
 */
@Command(name = "bench-generate", mixinStandardHelpOptions = true, description = "Generation benchmark (see docs/benchmarks.md).")
public final class GenerateBench implements Callable<Integer> {
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

  @Option(names = "--work", defaultValue = "target/bench-generate", description = "Scratch directory (default: ${DEFAULT-VALUE}).")
  Path work;

  @Option(names = "--skip-bare", description = "Skip the bare forward + encode measurement.")
  boolean skipBare;

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    System.exit(new CommandLine(new GenerateBench()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    HookPoint hook = HookPoint.parse("blocks.0.hook_resid_post");
    Gpt2Config cfg = new Gpt2Config(layers, Math.max(1, dModel / 64), dModel, Math.max(1024, seqLen), vocab, 4 * dModel, 1e-5, "gelu_new");
    int nSeq = tokens / seqLen;
    Files.createDirectories(work);
    Path modelDir = work.resolve("model");
    Path saeDir = work.resolve("sae");
    Path tokensFile = work.resolve("tokens-" + nSeq + "x" + seqLen + ".npy");
    long t0 = System.nanoTime();
    Gpt2Weights weights = Gpt2Weights.random(cfg, 1);
    weights.save(modelDir, true);
    weights = Gpt2Weights.load(modelDir);
    SplittableRandom r = new SplittableRandom(2);
    int[] ids = new int[nSeq * seqLen];
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(vocab);
    Npy.writeInts(tokensFile, nSeq, seqLen, ids);
    double hookStd = hookStd(weights, hook, Arrays.copyOf(ids, Math.min(ids.length, 4 * seqLen)), seqLen);
    SaeConfig saeCfg = new SaeConfig(Architecture.STANDARD, dModel, features, hook.toString(), true, 0, null, "bench");
    SaeWeights sae = SaeWeights.random(saeCfg, 3, hookStd);
    sae.save(saeDir);
    System.out.printf(Locale.ROOT, "setup: %d layers, d_model %d, d_mlp %d, vocab %d, %d features on %s, %d x %d tokens (%.1f s)%n",
        layers, dModel, cfg.dMlp(), vocab, features, hook, nSeq, seqLen, (System.nanoTime() - t0) / 1e9);

    Path out = work.resolve("data");
    GenerateRequest req = new GenerateRequest(modelDir, saeDir, null, tokensFile, null, null, "auto", batchSize, 0, null,
        GenerateSettings.defaults());
    Stages stages = new Stages();
    long g0 = System.nanoTime();
    new Generation(stages, System.out).run(req, out);
    double whole = (System.nanoTime() - g0) / 1e9;
    stages.print(System.out);
    long peak = peakRssKb();
    double wholeTps = nSeq * (double) seqLen / whole;
    System.out.printf(Locale.ROOT, "whole generation:       %10.0f tokens/s  (%.1f s, including loading the inputs)%n", wholeTps, whole);
    if (!skipBare) {
      double bare = bare(weights, sae, hook, ids, nSeq, seqLen);
      double bareTps = nSeq * (double) seqLen / bare;
      System.out.printf(Locale.ROOT, "bare forward + encode:  %10.0f tokens/s  (%.1f s)%n", bareTps, bare);
      System.out.printf(Locale.ROOT, "ratio whole / bare:     %10.2f x  (target <= 1.5)%n", bare == 0 ? 0 : whole / bare);
    }
    System.out.printf(Locale.ROOT, "peak resident memory:   %10.0f MiB for %d tokens (VmHWM, whole process)%n", peak / 1024.0, nSeq * seqLen);
    AtomicDirectory.deleteTree(out);
    return 0;
  }

  private double bare(Gpt2Weights weights, SaeWeights sae, HookPoint hook, int[] ids, int nSeq, int seqLen) {
    try (NDManager manager = NDManager.newBaseManager();
        Gpt2Model model = new Gpt2Model(weights, manager);
        SaeEncoder enc = new SaeEncoder(sae, manager)) {
      long t0 = System.nanoTime();
      for (int first = 0; first < nSeq; first += batchSize) {
        int n = Math.min(batchSize, nSeq - first);
        try (NDManager m = manager.newSubManager()) {
          NDArray tok = m.create(Arrays.copyOfRange(ids, first * seqLen, (first + n) * seqLen), new Shape(n, seqLen)); // [batch, seq]
          ForwardResult fr = model.forward(tok, new ForwardOptions(Set.of(hook), null, true));
          NDArray x = fr.hooks().get(hook).reshape(n * seqLen, -1); // [rows, dModel]
          NDArray f = enc.encode(x.sub(x.mean(new int[] {1}, true))); // [rows, dSae]
          f.toFloatArray();
          fr.logits().get(0).toFloatArray();
        }
      }
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  private static double hookStd(Gpt2Weights weights, HookPoint hook, int[] ids, int seqLen) {
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
