package org.featureatlas.render.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading explanations: Neuronpedia's JSONL rows (as db_models/explanation.py declares them, the layout
 * export-data.py writes) and RFC 4180 CSV, good rows kept in order, each bad row one warning with its file and line.
 */
class ExplanationsTest {
  static final int D_SAE = 10;

  @TempDir
  Path tmp;

  final List<String> warnings = new ArrayList<>();

  private Explanations load(Path... paths) {
    return Explanations.load(List.of(paths), false, D_SAE, null, warnings::add);
  }

  private Path write(String name, String text) throws IOException {
    return Files.write(tmp.resolve(name), text.getBytes(StandardCharsets.UTF_8));
  }

  /** One row as Neuronpedia's export writes it: every Explanation column (export-data.py), index as a string. */
  private static String npRow(String model, String layer, String index, String description, String type, String by) {
    return "{\"id\": \"clx" + index + "\", \"modelId\": \"" + model + "\", \"layer\": \"" + layer + "\", \"index\": \""
        + index + "\", \"authorId\": \"clkht01d40000jv08hvalcvly\", \"description\": " + json(description)
        + ", \"embedding\": null, \"typeName\": \"" + type + "\", \"explanationModelName\": \"" + by
        + "\", \"umap_x\": null, \"umap_y\": null, \"umap_cluster\": null, \"umap_log_feature_sparsity\": null}";
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  @Test
  void neuronpediaRowsAreReadInOrderWithTheirMethodAndModel() throws IOException {
    Path file = write("batch-0.jsonl", String.join("\n",
        npRow("gpt2-small", "6-res-jb", "3", "mentions of cats", "oai_token-act-pair", "gpt-4o-mini"),
        npRow("gpt2-small", "6-res-jb", "0", "the word \"the\"", "np_max-act-logits", "claude-3-5-haiku"),
        npRow("gpt2-small", "6-res-jb", "3", "felines, mostly", "oai_token-act-pair", "gpt-4o"),
        "{\"index\": 7, \"description\": \"a whole-number index\"}",
        ""));
    Explanations e = load(file);
    assertEquals(List.of(), warnings);
    assertEquals(4, e.count());
    assertEquals(3, e.features());
    assertEquals(List.of(new Explanation("mentions of cats", "oai_token-act-pair", "gpt-4o-mini"),
        new Explanation("felines, mostly", "oai_token-act-pair", "gpt-4o")), e.of(3));
    assertEquals(List.of(new Explanation("the word \"the\"", "np_max-act-logits", "claude-3-5-haiku")), e.of(0));
    assertEquals(List.of(new Explanation("a whole-number index", null, null)), e.of(7));
    assertEquals(List.of(), e.of(1));
  }

  @Test
  void badJsonlRowsAreWarnedWithTheirLineAndEveryGoodRowIsKept() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> lines = List.of(
        "{\"index\": \"1\", \"description\": \"good one\"}",            // 1
        "{\"index\": \"2\", \"description\": \"unterminated}",           // 2 bad JSON
        "[1, \"an array\"]",                                            // 3 not an object
        "{\"description\": \"no index\"}",                               // 4
        "{\"index\": \"abc\", \"description\": \"x\"}",                  // 5
        "{\"index\": 1.5, \"description\": \"x\"}",                      // 6
        "{\"index\": -1, \"description\": \"x\"}",                       // 7
        "{\"index\": \"10\", \"description\": \"x\"}",                   // 8 out of range (d_sae 10)
        "{\"index\": \"2\"}",                                            // 9 no description
        "{\"index\": \"2\", \"description\": 42}",                       // 10 not a string
        "{\"index\": \"2\", \"description\": \" \\t\\n \"}",             // 11 empty
        "{\"index\": \"2\", \"description\": \"x\"} trailing",           // 12 bad JSON
        "",                                                             // 13 blank: skipped silently
        "{\"index\": \"9\", \"description\": \"good two\"}");            // 14
    for (int i = 0; i < lines.size(); i++) {
      bytes.write(lines.get(i).getBytes(StandardCharsets.UTF_8));
      bytes.write('\n');
      if (i == 12) {
        bytes.write(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'}); // 14: not UTF-8
      }
    }
    Files.write(tmp.resolve("bad.jsonl"), bytes.toByteArray());
    // the UTF-8 line is line 14, so "good two" is line 15
    Path file = tmp.resolve("bad.jsonl");
    Explanations e = load(file);
    assertEquals(List.of(new Explanation("good one", null, null)), e.of(1));
    assertEquals(List.of(new Explanation("good two", null, null)), e.of(9));
    assertEquals(2, e.count());
    List<Integer> warned = warnings.stream().map(w -> lineOf(file, w)).toList();
    assertEquals(List.of(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14), warned, warnings.toString());
    assertTrue(warnings.get(0).contains("not valid JSON"), warnings.get(0));
    assertTrue(warnings.get(1).contains("not a JSON object"), warnings.get(1));
    assertTrue(warnings.get(2).contains("no \"index\""), warnings.get(2));
    assertTrue(warnings.get(3).contains("index \u201Cabc\u201D is not a feature index"), warnings.get(3));
    assertTrue(warnings.get(4).contains("index \u201C1.5\u201D is not a feature index"), warnings.get(4));
    assertTrue(warnings.get(5).contains("index \u201C-1\u201D is not a feature index"), warnings.get(5));
    assertTrue(warnings.get(6).contains("feature 10 is out of range (the atlas has 10 features"), warnings.get(6));
    assertTrue(warnings.get(7).contains("no \"description\""), warnings.get(7));
    assertTrue(warnings.get(8).contains("\"description\" is not a string"), warnings.get(8));
    assertTrue(warnings.get(9).contains("empty description"), warnings.get(9));
    assertTrue(warnings.get(10).contains("not valid JSON"), warnings.get(10));
    assertTrue(warnings.get(11).contains("not valid UTF-8"), warnings.get(11));
    assertTrue(warnings.stream().allMatch(w -> w.endsWith("; row skipped") && w.lines().count() == 1), warnings.toString());
  }

  /** The line number of a "FILE:LINE: ..." warning about {@code file}. */
  private static int lineOf(Path file, String warning) {
    assertTrue(warning.startsWith(file + ":"), warning);
    String rest = warning.substring(file.toString().length() + 1);
    return Integer.parseInt(rest.substring(0, rest.indexOf(':')));
  }

  @Test
  void csvFollowsRfc4180QuotingWithAnOptionalHeader() throws IOException {
    Path file = write("mine.csv", "\uFEFFindex,Description\r\n"
        + "4,plain text\r\n"
        + "2,\"a comma, inside\"\r\n"
        + "\r\n"
        + "4,\"doubled \"\"quotes\"\" and\r\na line break\"\r\n"
        + " 0 ,  spaces kept in the text  \n"
        + "9,\"\"\"quoted\"\" at the start\"");
    Explanations e = load(file);
    assertEquals(List.of(), warnings);
    assertEquals(List.of(new Explanation("plain text", null, null),
        new Explanation("doubled \"quotes\" and\na line break", null, null)), e.of(4));
    assertEquals(List.of(new Explanation("a comma, inside", null, null)), e.of(2));
    assertEquals(List.of(new Explanation("  spaces kept in the text  ", null, null)), e.of(0));
    assertEquals(List.of(new Explanation("\"quoted\" at the start", null, null)), e.of(9));
  }

  @Test
  void badCsvRowsAreWarnedWithTheLineTheyStartOn() throws IOException {
    Path file = write("bad.csv", String.join("\n",
        "1,good one",                                    // 1: a first row that is not a header is data
        "2,too,many,fields",                             // 2
        "only one field",                                // 3
        "x,not an index",                                // 4
        "-3,negative",                                   // 5
        "2.0,not whole",                                 // 6
        "99999999999999999999,too long",                 // 7
        "10,out of range",                               // 8
        "5,",                                            // 9 empty description
        "5,\"   \"",                                     // 10 blank description
        "5,he said \"hi\"",                              // 11 quote in an unquoted field
        "5,\"closed\" then text",                        // 12 text after the closing quote
        "index,description",                             // 13 a header after the first row: not an index
        "3,\"multi",                                     // 14 a quoted field over two lines, fine
        "line\"",                                        // 15
        "6,good two",                                    // 16
        "\u001B[31m,red",                                // 17 the bad index is quoted visibly
        "7,\"never closed",                              // 18 runs to the end of the file
        "8,lost in the open quote"));                    // 19
    Explanations e = load(file);
    assertEquals(List.of(new Explanation("good one", null, null)), e.of(1));
    assertEquals(List.of(new Explanation("multi\nline", null, null)), e.of(3));
    assertEquals(List.of(new Explanation("good two", null, null)), e.of(6));
    assertEquals(3, e.count());
    assertEquals(List.of(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 17, 18),
        warnings.stream().map(w -> lineOf(file, w)).toList(), warnings.toString());
    assertTrue(warnings.get(0).contains("4 fields, expected 2 (index,description"), warnings.get(0));
    assertTrue(warnings.get(1).contains("1 field, expected 2"), warnings.get(1));
    assertTrue(warnings.get(2).contains("index \u201Cx\u201D is not a feature index"), warnings.get(2));
    assertTrue(warnings.get(5).contains("feature 99999999999999999999") || warnings.get(5).contains("not a feature index"),
        warnings.get(5));
    assertTrue(warnings.get(6).contains("feature 10 is out of range"), warnings.get(6));
    assertTrue(warnings.get(7).contains("empty description") && warnings.get(8).contains("empty description"));
    assertTrue(warnings.get(9).contains("a quote inside an unquoted field"), warnings.get(9));
    assertTrue(warnings.get(10).contains("text after a closing quote"), warnings.get(10));
    assertTrue(warnings.get(12).contains("\u27E8U+001B\u27E9[31m") && !warnings.get(12).contains("\u001B"),
        "control characters of the file never reach the terminal: " + warnings.get(12));
    assertTrue(warnings.get(13).contains("not closed before the end of the file"), warnings.get(13));
  }

  @Test
  void aBadFileListsTwentyRowsThenCountsTheRest() throws IOException {
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      csv.append("bad").append(i).append(",x\n");
    }
    csv.append("1,kept\n");
    Path file = write("many.csv", csv.toString());
    Explanations e = load(file);
    assertEquals(1, e.count());
    assertEquals(21, warnings.size(), warnings.toString());
    assertEquals(20, lineOf(file, warnings.get(19)));
    assertEquals(file + ": 5 more bad rows skipped (25 in all)", warnings.get(20));
  }

  @Test
  void gzippedExportsAndFoldersAreReadInNaturalNameOrder() throws IOException {
    Path folder = Files.createDirectories(tmp.resolve("explanations"));
    gzip(folder.resolve("batch-10.jsonl.gz"), npRow("m", "0-x", "1", "from batch 10", "t", "a") + "\n");
    gzip(folder.resolve("batch-2.jsonl.gz"), npRow("m", "0-x", "1", "from batch 2", "t", "a") + "\n");
    Files.writeString(folder.resolve("a.csv"), "1,from the csv\n");
    Files.writeString(folder.resolve("README.md"), "ignored\n");
    Explanations e = load(folder);
    assertEquals(List.of("from the csv", "from batch 2", "from batch 10"), e.of(1).stream().map(Explanation::description).toList());
    assertEquals(List.of(), warnings);
    // Paths given are read in their order: a file, then the folder again.
    Path extra = write("first.csv", "1,given first\n");
    assertEquals("given first", load(extra, folder).of(1).get(0).description());
    assertTrue(Explanations.compareNames("batch-2.jsonl.gz", "batch-10.jsonl.gz") < 0);
    assertTrue(Explanations.compareNames("b-01", "b-1") != 0 && Explanations.compareNames("a", "b") < 0);
  }

  private static void gzip(Path file, String text) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aSourceKeepsItsRowsAndMixedSourcesAreNamed() throws IOException {
    Path file = write("mixed.jsonl", String.join("\n",
        npRow("gpt2-small", "6-res-jb", "1", "six", "t", "a"),
        npRow("gpt2-small", "7-res-jb", "1", "seven", "t", "a"),
        npRow("gemma-2-2b", "6-res-jb", "2", "other model", "t", "a")));
    Explanations all = load(file);
    assertEquals(3, all.count());
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith(file + ": rows of 3 sources (\u201Cgpt2-small/6-res-jb\u201D"), warnings.get(0));
    warnings.clear();
    Explanations one = Explanations.load(List.of(file), false, D_SAE, Source.parse("gpt2-small/6-res-jb"), warnings::add);
    assertEquals(List.of("six"), one.of(1).stream().map(Explanation::description).toList());
    assertEquals(List.of(), one.of(2));
    assertEquals(List.of(file + ": 2 rows of sources other than gpt2-small/6-res-jb left out (--explanations-source)"), warnings);
    for (String bad : List.of("", "gpt2-small", "/6-res", "gpt2/", "a/b/c", "a b/c")) {
      AtlasException x = assertThrows(AtlasException.class, () -> Source.parse(bad), bad);
      assertTrue(x.getMessage().startsWith("--explanations-source must be MODEL_ID/SOURCE_ID"), x.getMessage());
    }
  }

  @Test
  void aMissingOrUnreadableFileIsAOneLineError() throws IOException {
    AtlasException missing = assertThrows(AtlasException.class, () -> load(tmp.resolve("nope.csv")));
    assertEquals(tmp.resolve("nope.csv") + ": no such file", missing.getMessage());
    Path txt = write("notes.txt", "1,x\n");
    AtlasException kind = assertThrows(AtlasException.class, () -> load(txt));
    assertTrue(kind.getMessage().startsWith(txt + ": not an explanations file"), kind.getMessage());
    Path notGzip = write("broken.jsonl.gz", "{\"index\": 1}\n");
    AtlasException gz = assertThrows(AtlasException.class, () -> load(notGzip));
    assertTrue(gz.getMessage().startsWith(notGzip + ": cannot read (") && gz.getMessage().lines().count() == 1, gz.getMessage());
    // The data directory's default folder may be missing: no explanations, no error.
    assertEquals(0, Explanations.load(List.of(tmp.resolve("explanations")), true, D_SAE, null, warnings::add).count());
    assertEquals(List.of(), warnings);
  }

  @Test
  void shownTextIsOneLineWithInvisibleCodePointsVisibleAndCut() {
    assertEquals("two lines and tabs", Explanations.shown("  two\r\nlines\tand \u2028 tabs \n"));
    assertEquals("\u27E8U+202E\u27E9evil \u27E8U+200B\u27E9 <b>&amp;", Explanations.shown("\u202Eevil \u200B <b>&amp;"));
    String longText = "é".repeat(Explanations.MAX_SHOWN + 7);
    assertEquals("é".repeat(Explanations.MAX_SHOWN) + "\u2026\u27E87 more\u27E9", Explanations.shown(longText));
    String emoji = "\uD83D\uDE00".repeat(Explanations.MAX_SHOWN);
    assertEquals(emoji, Explanations.shown(emoji), "code points, not chars, are counted");
  }
}
