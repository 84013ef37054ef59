package org.featureatlas.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.render.synthetic.SyntheticData;
import org.featureatlas.render.synthetic.SyntheticSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every record is checked against docs/data-format.md when read: a mutated feature 1 of a sound synthetic
 * data directory fails with one line naming the feature file, the feature and the problem.
 */
class RecordValidationTest {
  @TempDir Path tmp;
  Path dir;
  Path file;
  List<String> lines;

  @BeforeEach
  void write() throws Exception {
    dir = tmp.resolve("data");
    SyntheticData.write(dir, new SyntheticSpec(4, 40, 5, true, false));
    file = dir.resolve("features/features-00000.jsonl.gz");
    lines = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      in.lines().forEach(lines::add);
    }
    assertFalse(Json.mapper().readTree(lines.get(1)).path("top_examples").isEmpty(), "feature 1 is alive");
  }

  /** Feature 1 with {@code edit} applied to its JSON, or replaced by {@code raw} text when edit is null. */
  private String fails(Consumer<ObjectNode> edit) throws Exception {
    ObjectNode f = (ObjectNode) Json.mapper().readTree(lines.get(1));
    edit.accept(f);
    return failsWithLine(Json.mapper().writeValueAsString(f));
  }

  private String failsWithLine(String line) throws Exception {
    List<String> changed = new ArrayList<>(lines);
    changed.set(1, line);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((String.join("\n", changed) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Manifest m = DataDir.readManifest(dir);
    AtlasException e = assertThrows(AtlasException.class, () -> DataDir.readFeatures(dir, m));
    String msg = e.getMessage();
    assertTrue(msg.startsWith(file + ": line 2"), msg);
    assertTrue(msg.contains("feature 1"), msg);
    assertFalse(msg.contains("\n"), msg);
    return msg;
  }

  private static ObjectNode example(ObjectNode f) {
    return (ObjectNode) f.get("top_examples").get(0);
  }

  @Test
  void theSoundDirectoryReads() {
    assertEquals(4, DataDir.readFeatures(dir, DataDir.readManifest(dir)).size());
  }

  @Test
  void missingFieldsAreNamed() throws Exception {
    assertTrue(fails(f -> f.remove("max_act")).contains("'max_act'"));
    assertTrue(fails(f -> f.remove("density")).contains("'density'"));
    assertTrue(fails(f -> f.remove("top_examples")).contains("'top_examples'"));
    assertTrue(fails(f -> f.remove("act_histogram")).contains("'act_histogram'"));
    assertTrue(fails(f -> example(f).remove("start")).contains("'start'"));
    assertTrue(fails(f -> example(f).remove("loss_effect")).contains("'loss_effect'"));
    assertTrue(fails(f -> ((ObjectNode) f.get("logits")).remove("histogram")).contains("'histogram'"));
    assertTrue(fails(f -> ((ArrayNode) f.get("neuron_alignment")).set(0, f.arrayNode().add(3).add(0.5)))
        .contains("neuron_alignment"), "a [unit, value] pair without its third number");
  }

  @Test
  void nullsAreRefused() throws Exception {
    assertTrue(fails(f -> f.putNull("max_act")).contains("max_act"));
    assertTrue(fails(f -> f.putNull("intervals")).contains("intervals is missing or null"));
    assertTrue(fails(f -> ((ArrayNode) example(f).get("acts")).setNull(0)).contains("acts holds a missing"));
    assertTrue(fails(f -> ((ArrayNode) example(f).get("tokens")).setNull(0)).contains("token"));
    assertTrue(fails(f -> ((ArrayNode) f.get("top_examples")).addNull()).contains("top_examples"));
    assertTrue(failsWithLine("null").contains("is null, not a feature record"));
  }

  @Test
  void outOfRangeValuesAreRefused() throws Exception {
    assertTrue(fails(f -> f.put("density", -5)).contains("density -5.0 is outside [0, 1]"));
    assertTrue(fails(f -> f.put("density", 1.5)).contains("density 1.5 is outside [0, 1]"));
    assertTrue(fails(f -> ((ObjectNode) f.get("intervals").get(0)).put("fraction", 2))
        .contains("intervals[0].fraction 2.0 is outside [0, 1]"));
    assertTrue(fails(f -> ((ArrayNode) example(f).get("tokens")).set(0, 40)).contains("token id 40 is outside [0, d_vocab 40)"));
    assertTrue(fails(f -> ((ArrayNode) example(f).get("tokens")).set(0, -1)).contains("token id -1"));
    assertTrue(fails(f -> ((ArrayNode) f.get("logits").get("top").get(0)).set(0, 99)).contains("logits.top: token id 99"));
    assertTrue(fails(f -> ((ArrayNode) f.get("neuron_alignment").get(0)).set(0, SyntheticData.D_MLP))
        .contains("unit " + SyntheticData.D_MLP + " is outside [0, d_in"));
    assertTrue(fails(f -> ((ArrayNode) f.get("act_histogram").get("counts")).set(0, -3)).contains("negative count"));
    assertTrue(fails(f -> example(f).put("seq", SyntheticData.N_SEQUENCES)).contains("seq 4096 is outside"));
    assertTrue(fails(f -> example(f).put("start", SyntheticData.SEQ_LEN)).contains("is outside [0, seq_len 128)"));
    assertTrue(fails(f -> example(f).put("pos", example(f).get("start").asInt() + 50)).contains("outside its window"));
    assertTrue(fails(f -> ((ObjectNode) f.get("intervals").get(0)).put("lo", 1e9)).contains("is above hi"));
  }

  @Test
  void inconsistentLengthsAreRefused() throws Exception {
    assertTrue(fails(f -> ((ArrayNode) example(f).get("acts")).remove(0)).contains("parallel list"));
    assertTrue(fails(f -> ((ArrayNode) example(f).get("top_logprob")).add(f.arrayNode())).contains("parallel list"));
    assertTrue(fails(f -> ((ArrayNode) f.get("act_histogram").get("edges")).remove(0)).contains("edges for"));
    assertTrue(fails(f -> example(f).putArray("tokens")).contains("has no tokens"));
  }

  @Test
  void nonFiniteNumbersAreRefused() throws Exception {
    assertTrue(failsWithLine(lines.get(1).replaceFirst("\"max_act\":[^,]+", "\"max_act\":NaN")).contains("NaN"));
    assertTrue(fails(f -> f.put("max_act", "NaN")).contains("max_act"));
    assertTrue(fails(f -> f.put("mean_act", "Infinity")).contains("mean_act"));
    assertTrue(failsWithLine(lines.get(1).replaceFirst("\"max_act\":[^,]+", "\"max_act\":1e400"))
        .contains("max_act is not a finite number"), "a number too large for a double");
  }

  @Test
  void wrongTypesAreRefused() throws Exception {
    assertTrue(fails(f -> f.put("max_act", "4.5")).contains("max_act"), "no number from a string");
    assertTrue(fails(f -> f.put("density", true)).contains("density"));
    assertTrue(fails(f -> f.put("index", 1.5)).contains("index"), "no integer from a fraction");
    assertTrue(fails(f -> f.put("top_examples", "x")).contains("top_examples"));
    assertTrue(fails(f -> ((ArrayNode) example(f).get("tokens")).set(0, "the")).contains("tokens"));
    assertTrue(fails(f -> f.set("logits", f.arrayNode())).contains("logits"));
  }

  @Test
  void aNullLossEffectIsOnlyAllowedAtPositionZero() throws Exception {
    String msg = fails(f -> {
      ObjectNode e = example(f);
      int q = e.get("start").asInt() == 0 ? 1 : 0;
      ((ArrayNode) e.get("loss_effect")).setNull(q);
    });
    assertTrue(msg.contains("only position 0 may be null"), msg);
    JsonNode sound = Json.mapper().readTree(lines.get(1));
    assertTrue(sound.get("top_examples").size() > 0);
  }

  @Test
  void similarFeaturesAreChecked() throws Exception {
    assertTrue(fails(f -> f.remove("similar_features")).contains("similar_features is missing"));
    assertTrue(fails(f -> ((ArrayNode) f.get("similar_features").get(0)).set(0, 4)).contains("similar_features[0]: feature 4 is outside [0, d_sae 4)"));
    assertTrue(fails(f -> ((ArrayNode) f.get("similar_features").get(0)).set(0, 1)).contains("is the record's own"));
    assertTrue(fails(f -> ((ArrayNode) f.get("similar_features").get(0)).set(1, 1.5)).contains("cosine 1.5 is outside [-1, 1]"));
    assertTrue(fails(f -> ((ArrayNode) f.get("similar_features").get(1)).set(1, 1.0)).contains("similar_features[1] is out of order"));
  }

  /** Format 1 (before similar features) still reads; a format-1 record may not carry the new fields. */
  @Test
  void formatOneDirectoriesStillRead() throws Exception {
    Path manifest = dir.resolve("manifest.json");
    ObjectNode m = (ObjectNode) Json.mapper().readTree(manifest.toFile());
    m.put("format_version", 1);
    Files.writeString(manifest, Json.mapper().writeValueAsString(m));
    List<String> old = new ArrayList<>();
    for (String line : lines) {
      ObjectNode f = (ObjectNode) Json.mapper().readTree(line);
      f.remove("similar_features");
      f.remove("similar_features_b");
      old.add(Json.mapper().writeValueAsString(f));
    }
    lines = old;
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    List<FeatureRecord> records = DataDir.readFeatures(dir, DataDir.readManifest(dir));
    assertEquals(4, records.size());
    assertTrue(records.get(1).similarFeatures() == null);
    assertTrue(fails(f -> f.putArray("similar_features")).contains("similar_features is not part of format_version 1"));
    m.put("format_version", Manifest.FORMAT_VERSION + 1);
    Files.writeString(manifest, Json.mapper().writeValueAsString(m));
    AtlasException e = assertThrows(AtlasException.class, () -> DataDir.readManifest(dir));
    assertTrue(e.getMessage().contains("format_version " + (Manifest.FORMAT_VERSION + 1) + " is not supported (this atlas reads 1 to "
        + Manifest.FORMAT_VERSION + ")"), e.getMessage());
  }
}
