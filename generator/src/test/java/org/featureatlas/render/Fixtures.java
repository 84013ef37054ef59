package org.featureatlas.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.render.synthetic.SyntheticData;
import org.featureatlas.render.synthetic.SyntheticSpec;

/**
 * Test data. The tiny fixture (committed under src/test/resources/fixture/tiny, made by {@link #main})
 * has 7 features over a 64-token vocabulary whose first tokens are hostile strings, encoder-B
 * correlations, feature 3 dead, and notes (hostile ones too) for features 0 and 2 and the front page.
 */
final class Fixtures {
  static final SyntheticSpec TINY = new SyntheticSpec(7, 64, 3, true, true);
  static final int DEAD = 3;

  /** A note that must display literally: markup, script end tags, template syntax, U+2028, bidi, emoji. */
  static final String HOSTILE_NOTE = "# Feature zero\n\nFires on <script>alert('note')</script> and </script>"
      + "<img src=x onerror=alert(1)> and {{ 7*7 }} {% if x %} and \u2028 and \u202Eevil and \u200F and \uD83D\uDE00.\n\n"
      + "[click](javascript:alert(2)) [ok](1.html)\n";

  /** An explanation that must display literally: script and image markup, a javascript: URL, a comma for the CSV. */
  static final String HOSTILE_EXPLANATION = "</script><script>alert('x1')</script><img src=x onerror=alert(2)>, "
      + "<a href=\"javascript:alert(3)\">click</a>";
  /** Another: template syntax, quotes, an ampersand, a line separator, bidi controls, a newline, an emoji. */
  static final String HOSTILE_EXPLANATION_2 = "{{ 7*7 }} {% if x %} \"quoted\" & 'single' \u2028 \u202Eevil \u200F\n"
      + "zebracorn \uD83D\uDE00";
  /** A method name that must display literally (Neuronpedia's typeName). */
  static final String HOSTILE_TYPE = "<i>oai</i>\u202E";

  /**
   * Hostile explanations for the tiny fixture, written into {@code dir}: {@code a.csv} (header; feature 0 the first
   * hostile text, feature 2 a plain one) and {@code b.jsonl} (Neuronpedia rows: feature 0 the second hostile text with
   * a hostile method name, feature 2 another plain one, and a row for feature 9, out of range, on line 3). Read in
   * that order, feature 0 and feature 2 have two explanations each; the others have none.
   */
  static List<Path> explanations(Path dir) {
    try {
      Files.createDirectories(dir);
      Path csv = dir.resolve("a.csv");
      Files.writeString(csv, "index,description\r\n0,\"" + HOSTILE_EXPLANATION.replace("\"", "\"\"") + "\"\r\n"
          + "2,\"a comma, and \"\"quotes\"\"\"\r\n");
      Path jsonl = dir.resolve("b.jsonl");
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      Files.writeString(jsonl, json.writeValueAsString(npRow("0", HOSTILE_EXPLANATION_2, HOSTILE_TYPE)) + "\n"
          + json.writeValueAsString(npRow("2", "fires on tiny tokens", "np_max-act-logits")) + "\n"
          + json.writeValueAsString(npRow("9", "out of range", "t")) + "\n");
      return List.of(csv, jsonl);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The raw explanations of {@link #explanations} for feature {@code i}, in their order. */
  static List<String> explanationTexts(int i) {
    return i == 0 ? List.of(HOSTILE_EXPLANATION, HOSTILE_EXPLANATION_2)
        : i == 2 ? List.of("a comma, and \"quotes\"", "fires on tiny tokens") : List.of();
  }

  private static java.util.Map<String, Object> npRow(String index, String description, String type) {
    java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
    row.put("id", "cl" + index);
    row.put("modelId", "tiny-model");
    row.put("layer", "0-tiny");
    row.put("index", index);
    row.put("authorId", "clkht01d40000jv08hvalcvly");
    row.put("description", description);
    row.put("embedding", null);
    row.put("typeName", type);
    row.put("explanationModelName", "gpt-4o-mini");
    return row;
  }

  private Fixtures() {}

  static Path tiny() {
    Path dir = RenderOptions.atlasHome().resolve("generator/src/test/resources/fixture/tiny");
    if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
      throw new IllegalStateException("missing fixture " + dir + " (run Fixtures.main)");
    }
    return dir;
  }

  /** Writes the tiny fixture into {@code dir}. */
  static void writeTiny(Path dir) {
    List<FeatureRecord> records = new ArrayList<>();
    for (int i = 0; i < TINY.dSae(); i++) {
      records.add(i == DEAD ? SyntheticData.dead(i, true) : SyntheticData.feature(TINY, i));
    }
    DataDir.write(dir, SyntheticData.manifest(TINY), SyntheticData.vocab(TINY), records.iterator());
    try {
      Files.createDirectories(dir.resolve("notes"));
      Files.writeString(dir.resolve("notes/0.md"), HOSTILE_NOTE);
      Files.writeString(dir.resolve("notes/2.md"), "A *second* note about **tokens**.\n");
      Files.writeString(dir.resolve("notes/index.md"), "# About this atlas\n\nA tiny fixture. <b>not bold</b>\n");
      Files.writeString(dir.resolve("notes/README.txt"), "ignored: not a note\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A synthetic data directory in {@code dir}. */
  static Path synthetic(Path dir, SyntheticSpec spec) {
    SyntheticData.write(dir, spec);
    return dir;
  }

  /** Regenerates the committed tiny fixture: {@code java ... org.featureatlas.render.Fixtures <dir>}. */
  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    org.featureatlas.fs.AtomicDirectory.deleteTree(dir);
    writeTiny(dir);
  }
}
