package org.featureatlas.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.featureatlas.cli.Atlas;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.Npy;
import org.featureatlas.model.Gpt2Config;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.model.HookPoint;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeConfig;
import org.featureatlas.sae.SaeWeights;

/**
 * Small random inputs for the Spark tests, as the main project's generation tests make them: a 2-layer GPT-2 with
 * scaled-up weights, a 600-feature SAE on {@code blocks.1.mlp.hook_post} (three feature blocks of 256, 256 and 88),
 * a 40-feature encoder B, and 12 sequences of 16 tokens (4 batches of 3).
 */
final class SparkInputs {
  static final String HOOK = "blocks.1.mlp.hook_post";
  final Path model;
  final Path sae;
  final Path saeB;
  final Path tokens;

  SparkInputs(Path dir, long seed) {
    Gpt2Config cfg = new Gpt2Config(2, 4, 32, 16, 50, 80, 1e-5, "gelu_new");
    Gpt2Weights weights = spicy(Gpt2Weights.random(cfg, seed), seed);
    model = dir.resolve("model");
    weights.save(model, false);
    int dIn = HookPoint.parse(HOOK).width(cfg);
    sae = dir.resolve("sae");
    saeB = dir.resolve("sae-b");
    SaeWeights.random(new SaeConfig(Architecture.STANDARD, dIn, 600, HOOK, true, 0, null, "tiny"), seed + 1, 1.0).save(sae);
    SaeWeights.random(new SaeConfig(Architecture.STANDARD, dIn, 40, HOOK, true, 0, null, "tiny"), seed + 2, 1.0).save(saeB);
    tokens = dir.resolve("tokens.npy");
    Random r = new Random(seed + 3);
    int[] ids = new int[12 * 16];
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(cfg.vocabSize());
    Npy.writeInts(tokens, 12, 16, ids);
  }

  /** Random weights scaled up, with non-trivial LayerNorm parameters, so every path carries signal. */
  private static Gpt2Weights spicy(Gpt2Weights w, long seed) {
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

  /** {@code atlas generate} with these inputs, then {@code extra}; returns the exit code and standard error. */
  Result generate(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("generate", "--model", model.toString(), "--sae", sae.toString(),
        "--sae-b", saeB.toString(), "--tokens", tokens.toString(), "--batch-size", "3", "--seed", "7", "--device", "cpu",
        "--out", out.toString()));
    args.addAll(List.of(extra));
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args.toArray(String[]::new));
    return new Result(rc, err.toString());
  }

  record Result(int rc, String err) {}

  static TreeMap<String, byte[]> files(Path root) throws IOException {
    TreeMap<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) out.put(root.relativize(p).toString(), Files.readAllBytes(p));
    }
    return out;
  }

  /** The two data directories hold the same files with the same bytes. */
  static void assertSameTree(Path expected, Path actual) throws IOException {
    TreeMap<String, byte[]> fa = files(expected);
    TreeMap<String, byte[]> fb = files(actual);
    assertEquals(fa.keySet(), fb.keySet());
    assertTrue(fa.containsKey("features/features-00000.jsonl.gz"), "expected a feature file, got " + fa.keySet());
    for (String name : fa.keySet()) assertArrayEquals(fa.get(name), fb.get(name), name + " differs");
  }

  /** Names in {@code dir} (not recursive), sorted. */
  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
