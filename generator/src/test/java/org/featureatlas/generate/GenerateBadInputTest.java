package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.featureatlas.cli.Atlas;
import org.featureatlas.io.Npy;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets one line on standard error naming the file and the problem, exit code 2, and leaves no
 * output (and no temporary directory) behind.
 */
class GenerateBadInputTest {
  @TempDir
  Path dir;
  TinyInputs in;

  @BeforeEach
  void inputs() {
    in = new TinyInputs(dir, "blocks.1.mlp.hook_post", Architecture.STANDARD, 4, 16, 3);
  }

  /** Runs generate with the given overrides and checks the failure contract; returns the error line. */
  String fails(Path model, Path sae, Path tokens, String mustMention) throws IOException {
    Path out = dir.resolve("out").resolve("data");
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "generate",
        "--model", model.toString(), "--sae", sae.toString(), "--tokens", tokens.toString(), "--out", out.toString());
    String text = err.toString().strip();
    assertEquals(2, rc, text);
    assertEquals(1, text.lines().count(), "expected one line, got: " + text);
    assertTrue(text.startsWith("atlas: error: "), text);
    assertTrue(text.contains(mustMention), "error should name " + mustMention + ": " + text);
    assertTrue(Files.notExists(out), "output directory left behind");
    if (Files.exists(out.getParent())) {
      try (Stream<Path> s = Files.list(out.getParent())) {
        assertEquals(List.of(), s.toList(), "temporary files left behind");
      }
    }
    return text;
  }

  @Test
  void truncatedSafetensors() throws IOException {
    Path file = in.model.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    String e = fails(in.model, in.sae, in.tokens, file.toString());
    assertTrue(e.contains("truncated"), e);
  }

  @Test
  void headerThatLiesAboutAShape() throws IOException {
    Path file = in.sae.resolve("sae_weights.safetensors");
    byte[] bytes = Files.readAllBytes(file);
    String head = new String(bytes, 8, 200, StandardCharsets.ISO_8859_1);
    String lie = head.replaceFirst("\"shape\":\\[(\\d+)\\]", "\"shape\":[9$1]");
    assertTrue(!lie.equals(head), "fixture: no 1-D shape in " + head);
    byte[] patched = (new String(bytes, StandardCharsets.ISO_8859_1).substring(0, 8) + lie.substring(0, lie.length() - 1)
        + new String(bytes, StandardCharsets.ISO_8859_1).substring(8 + 200)).getBytes(StandardCharsets.ISO_8859_1);
    // Keep the header length field honest about its own size: drop one padding byte to keep lengths equal.
    assertEquals(bytes.length, patched.length);
    Files.write(file, patched);
    fails(in.model, in.sae, in.tokens, file.toString());
  }

  @Test
  void saeWhoseInputWidthDoesNotMatchTheHook() throws IOException {
    Path sae = dir.resolve("wrong-width");
    TinyInputs.saeWeights(Architecture.STANDARD, "blocks.1.mlp.hook_post", 32, 16, 1).save(sae);
    String e = fails(in.model, sae, in.tokens, sae.resolve("cfg.json").toString());
    assertTrue(e.contains("d_in 32"), e);
  }

  @Test
  void hookTheModelLacks() throws IOException {
    Path sae = dir.resolve("deep-hook");
    TinyInputs.saeWeights(Architecture.STANDARD, "blocks.7.hook_resid_post", 32, 16, 1).save(sae);
    String e = fails(in.model, sae, in.tokens, sae.resolve("cfg.json").toString());
    assertTrue(e.contains("blocks.7"), e);
  }

  @Test
  void nanWeights() throws IOException {
    SaeWeights w = SaeWeights.load(in.sae);
    w.wEnc().data()[5] = Float.NaN;
    Path sae = dir.resolve("nan-sae");
    w.save(sae);
    String e = fails(in.model, sae, in.tokens, "sae_weights.safetensors");
    assertTrue(e.toLowerCase().contains("nan") || e.contains("finite"), e);
  }

  @Test
  void finiteWeightsWhoseActivationsOverflow() throws IOException {
    // Every weight is finite, so the load check passes; the encoder's products overflow float32.
    SaeWeights w = SaeWeights.load(in.sae);
    float[] enc = w.wEnc().data();
    for (int i = 0; i < enc.length; i++) {
      enc[i] = 3e38f;
    }
    java.util.Arrays.fill(w.bEnc().data(), 3e38f);
    Path sae = dir.resolve("huge-sae");
    w.save(sae);
    String e = fails(in.model, sae, in.tokens, sae.toString());
    assertTrue(e.contains("feature activations are not finite"), e);
  }

  @Test
  void emptyTokenFile() throws IOException {
    Path tokens = dir.resolve("empty.npy");
    Npy.writeInts(tokens, 0, 16, new int[0]);
    fails(in.model, in.sae, tokens, tokens.toString());
  }

  @Test
  void outOfVocabularyToken() throws IOException {
    Path tokens = dir.resolve("oov.npy");
    int[] ids = new int[2 * 16];
    ids[21] = 50; // the model's vocabulary is 0..49
    Npy.writeInts(tokens, 2, 16, ids);
    String e = fails(in.model, in.sae, tokens, tokens.toString());
    assertTrue(e.contains("50"), e);
  }

  @Test
  void sequenceLongerThanTheModelsContext() throws IOException {
    Path tokens = dir.resolve("long.npy");
    Npy.writeInts(tokens, 2, 20, new int[40]); // n_positions is 16
    String e = fails(in.model, in.sae, tokens, tokens.toString());
    assertTrue(e.contains("16"), e);
  }
}
