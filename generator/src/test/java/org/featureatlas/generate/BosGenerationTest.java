package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.cli.Atlas;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Interval;
import org.featureatlas.data.Manifest;
import org.featureatlas.io.Npy;
import org.featureatlas.model.HookPoint;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeWeights;
import org.featureatlas.tokenize.AtlasTokenizer;
import org.featureatlas.tokenize.TinyBpe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * BOS positions (feature-math.md section 6): a model whose tokenizer defines a BOS token, a {@code .npy}
 * dataset holding it at the start of every sequence and at a few other places. By default every such
 * position is left out of every statistic and example (checked against {@link ReferenceAtlas} skipping
 * them itself); {@code --keep-bos} gives today's output, byte for byte the output of the same tokens under
 * a tokenizer without BOS.
 */
class BosGenerationTest {
  /** {@code !} in the byte-level vocab of {@link TinyBpe}: byte 0x21, id 33 (inside the tiny model's 50). */
  static final int BOS = 33;
  static final long SEED = 11;

  @TempDir
  Path dir;

  /** TinyInputs with BOS at every sequence start and at a few inner positions, and a tokenizer defining it. */
  private TinyInputs inputs(String hookName, Architecture arch) throws Exception {
    TinyInputs in = new TinyInputs(dir, hookName, arch, 12, 16, 5);
    for (int s = 0; s < in.nSeq; s++) in.ids[s * in.seqLen] = BOS;
    in.ids[3 * in.seqLen + 7] = BOS;
    in.ids[8 * in.seqLen + 15] = BOS;
    Npy.writeInts(in.tokens, in.nSeq, in.seqLen, in.ids);
    TinyBpe.write(in.model.resolve("tokenizer.json"));
    Files.writeString(in.model.resolve(AtlasTokenizer.CONFIG_FILE), "{\"add_bos_token\": true, \"bos_token\": \"!\"}");
    return in;
  }

  private static void generate(TinyInputs in, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("generate", "--model", in.model.toString(), "--sae", in.sae.toString(),
        "--sae-b", in.saeB.toString(), "--tokens", in.tokens.toString(), "--out", out.toString(), "--batch-size", "5",
        "--seed", Long.toString(SEED)));
    args.addAll(List.of(extra));
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(System.out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    assertEquals(0, rc, err.toString());
  }

  private static List<Example> examples(FeatureRecord r) {
    List<Example> all = new ArrayList<>(r.topExamples());
    for (Interval i : r.intervals()) all.addAll(i.examples());
    return all;
  }

  private static int token(TinyInputs in, Example e) {
    return in.ids[e.seq() * in.seqLen + e.pos()];
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "blocks.1.hook_resid_post, STANDARD",
      "blocks.0.hook_resid_post, JUMPRELU",
  })
  void bosPositionsAreLeftOutOfEveryNumber(String hookName, Architecture arch) throws Exception {
    TinyInputs in = inputs(hookName, arch);
    Path out = dir.resolve("data");
    generate(in, out);
    Manifest manifest = DataDir.readManifest(out);
    assertEquals(true, manifest.settings().get("exclude_bos"));
    assertEquals(BOS, manifest.settings().get("bos_token"));
    assertTrue(manifest.model().sha256().containsKey(AtlasTokenizer.CONFIG_FILE), "tokenizer_config.json decides BOS");
    List<FeatureRecord> records = DataDir.readFeatures(out, manifest);
    HookPoint hook = HookPoint.parse(hookName);
    SaeWeights sae = SaeWeights.load(in.sae);
    ReferenceAtlas ref = new ReferenceAtlas(in.weights, sae, SaeWeights.load(in.saeB), in.ids, in.nSeq, in.seqLen, hook,
        hook.writesResidual()).excludeToken(BOS);
    long bos = java.util.Arrays.stream(in.ids).filter(id -> id == BOS).count(); // the random tokens hold a few more
    assertTrue(bos >= in.nSeq + 2, "the fixture's BOS positions");
    assertEquals(in.ids.length - bos, ref.counted, "the fixture's BOS positions");
    GenerationReferenceTest.assertMatchesReference(ref, sae, records, hook, SEED);
    // No example sits on a BOS position; inside a window a BOS token shows activation 0 and no hover.
    int bosInWindows = 0;
    for (FeatureRecord r : records) {
      for (Example e : examples(r)) {
        assertNotEquals(BOS, token(in, e), "feature " + r.index() + ": example on a BOS position");
        for (int q = 0; q < e.tokens().size(); q++) {
          if (e.tokens().get(q) != BOS) continue;
          bosInWindows++;
          assertEquals(0.0, e.acts().get(q), "feature " + r.index() + ": BOS activation shown");
          assertTrue(e.topLogprob().get(q).isEmpty() && e.bottomLogprob().get(q).isEmpty(), "BOS ablated");
          if (q + 1 < e.tokens().size()) assertEquals(0.0, e.lossEffect().get(q + 1), "loss effect of a BOS ablation");
        }
      }
    }
    assertTrue(bosInWindows > 0, "the fixture shows BOS tokens in windows");
    // The page says so.
    Path site = dir.resolve("site");
    StringWriter err = new StringWriter();
    assertEquals(0, Atlas.execute(new PrintWriter(System.out, true), new PrintWriter(err, true), "render", "--data",
        out.toString(), "--out", site.toString(), "--threads", "1"), err.toString());
    String index = Files.readString(site.resolve("index.html"), StandardCharsets.UTF_8);
    assertTrue(index.contains("BOS positions (token \u201C!\u201D, id 33) left out of every statistic and example"), index);
  }

  @Test
  void keepBosIsTheOutputOfATokenizerWithoutBos() throws Exception {
    String hookName = "blocks.1.hook_resid_post";
    TinyInputs in = inputs(hookName, Architecture.STANDARD);
    Path kept = dir.resolve("kept");
    generate(in, kept, "--keep-bos");
    Manifest manifest = DataDir.readManifest(kept);
    assertEquals(false, manifest.settings().get("exclude_bos"));
    assertEquals(BOS, manifest.settings().get("bos_token"));
    List<FeatureRecord> records = DataDir.readFeatures(kept, manifest);
    // Today's numbers: the reference that skips nothing.
    HookPoint hook = HookPoint.parse(hookName);
    SaeWeights sae = SaeWeights.load(in.sae);
    ReferenceAtlas ref = new ReferenceAtlas(in.weights, sae, SaeWeights.load(in.saeB), in.ids, in.nSeq, in.seqLen, hook,
        true);
    GenerationReferenceTest.assertMatchesReference(ref, sae, records, hook, SEED);
    assertTrue(records.stream().anyMatch(r -> examples(r).stream().anyMatch(e -> token(in, e) == BOS)),
        "with --keep-bos some example sits on a BOS position");
    // Byte for byte the feature files of the same tokens under a tokenizer that defines no BOS.
    Files.delete(in.model.resolve(AtlasTokenizer.CONFIG_FILE));
    Path plain = dir.resolve("plain");
    generate(in, plain);
    Manifest plainManifest = DataDir.readManifest(plain);
    assertEquals(false, plainManifest.settings().get("exclude_bos"));
    assertFalse(plainManifest.settings().containsKey("bos_token"));
    assertEquals(manifest.featureFiles(), plainManifest.featureFiles());
    for (String file : manifest.featureFiles()) {
      assertArrayEquals(Files.readAllBytes(plain.resolve(file)), Files.readAllBytes(kept.resolve(file)), file);
    }
  }
}
