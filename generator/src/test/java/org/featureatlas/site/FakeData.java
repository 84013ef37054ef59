package org.featureatlas.site;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.featureatlas.data.Identity;
import org.featureatlas.data.Json;
import org.featureatlas.data.Manifest;

/** A small data directory for tests: a real manifest.json plus stand-in vocab and feature files. */
public final class FakeData {
  public static final String HOOK = "blocks.8.hook_resid_pre";

  private FakeData() {}

  public static Manifest manifest() {
    return new Manifest(Manifest.FORMAT_VERSION,
        new Identity("openai-community/gpt2", new TreeMap<>(Map.of("model.safetensors", "ab".repeat(32)))),
        new Identity("gpt2-small-res-jb", new TreeMap<>(Map.of("sae_weights.safetensors", "cd".repeat(32)))),
        null,
        new Identity("openwebtext-10k", new TreeMap<>(Map.of("tokens.npy", "ef".repeat(32)))),
        HOOK, 768, 24, 50257, 16, 128, 42L, new TreeMap<>(Map.of("k", 20)),
        List.of("features/features-00000.jsonl.gz"));
  }

  /** Writes manifest.json, vocab.json and one feature file with arbitrary (incompressible) bytes. */
  public static Path write(Path dir) {
    try {
      Files.createDirectories(dir.resolve("features"));
      Files.writeString(dir.resolve("manifest.json"),
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(manifest()) + "\n");
      Files.writeString(dir.resolve("vocab.json"), "[\"!\", \"\\\"\", \"the\", \" atlas\"]\n", StandardCharsets.UTF_8);
      byte[] noise = new byte[50_000];
      new java.util.Random(7).nextBytes(noise);
      Files.write(dir.resolve("features/features-00000.jsonl.gz"), noise);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
