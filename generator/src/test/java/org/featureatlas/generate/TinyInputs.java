package org.featureatlas.generate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.Npy;
import org.featureatlas.model.Gpt2Config;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.model.HookPoint;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeConfig;
import org.featureatlas.sae.SaeWeights;

/** Small random inputs for generation tests: a GPT-2, SAEs on a hook, and a token file, written to disk. */
final class TinyInputs {
  final Path dir;
  final Gpt2Weights weights;
  final Path model;
  final Path sae;
  final Path saeB;
  final Path tokens;
  final int nSeq;
  final int seqLen;
  final int[] ids;

  TinyInputs(Path dir, String hook, Architecture arch, int nSeq, int seqLen, long seed) {
    this(dir, hook, arch, nSeq, seqLen, seed, 48);
  }

  /** With an SAE of {@code dSae} features (encoder B keeps 40). */
  TinyInputs(Path dir, String hook, Architecture arch, int nSeq, int seqLen, long seed, int dSae) {
    this.dir = dir;
    this.nSeq = nSeq;
    this.seqLen = seqLen;
    Gpt2Config cfg = new Gpt2Config(2, 4, 32, 16, 50, 80, 1e-5, "gelu_new");
    weights = spicy(Gpt2Weights.random(cfg, seed), seed);
    model = dir.resolve("model");
    weights.save(model, false);
    int dIn = HookPoint.parse(hook).width(cfg);
    sae = dir.resolve("sae");
    saeB = dir.resolve("sae-b");
    saeWeights(arch, hook, dIn, dSae, seed + 1).save(sae);
    saeWeights(Architecture.STANDARD, hook, dIn, 40, seed + 2).save(saeB);
    tokens = dir.resolve("tokens.npy");
    Random r = new Random(seed + 3);
    ids = new int[nSeq * seqLen];
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(cfg.vocabSize());
    Npy.writeInts(tokens, nSeq, seqLen, ids);
  }

  static SaeWeights saeWeights(Architecture arch, String hook, int dIn, int dSae, long seed) {
    SaeConfig cfg = new SaeConfig(arch, dIn, dSae, hook, true, arch == Architecture.TOPK ? 4 : 0, null, "tiny");
    // Activations at these hooks have entries of order 1 (resid) to 10 (mlp post of the spicy model).
    SaeWeights w = SaeWeights.random(cfg, seed, 1.0);
    if (arch == Architecture.JUMPRELU) {
      float[] th = w.threshold().data();
      Random r = new Random(seed);
      for (int i = 0; i < th.length; i++) th[i] = (float) (0.2 * r.nextDouble());
    }
    return w;
  }

  /** Random weights scaled up, with non-trivial LayerNorm parameters, so every path carries signal. */
  static Gpt2Weights spicy(Gpt2Weights w, long seed) {
    Random r = new Random(seed + 7);
    for (var e : w.all().entrySet()) {
      HostTensor t = e.getValue();
      boolean ln = e.getKey().contains("ln_");
      for (int i = 0; i < t.data().length; i++) {
        if (ln && e.getKey().endsWith(".weight")) t.data()[i] = (float) (1 + 0.3 * r.nextGaussian());
        else if (ln) t.data()[i] = (float) (0.1 * r.nextGaussian());
        else t.data()[i] *= 10;
      }
    }
    return w;
  }

  static Path temp(String prefix) throws java.io.IOException {
    return Files.createTempDirectory(prefix);
  }
}
