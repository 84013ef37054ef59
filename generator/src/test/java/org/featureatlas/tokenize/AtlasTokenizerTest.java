package org.featureatlas.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtlasTokenizerTest {
  @TempDir Path dir;

  /** Tokens of "the the\nthé €\n", worked out by hand from the merges in {@link TinyBpe}. */
  private static int[] unitIds() {
    Map<String, Integer> v = TinyBpe.vocab();
    return new int[] {v.get("the"), v.get("Ġthe"), v.get("Ċ"), v.get("t"), v.get("h"), v.get("Ã©"),
        v.get("Ġ"), v.get("â" + TinyBpe.sym(0x82) + "¬"), v.get("Ċ")};
  }

  private static final String UNIT = "the the\nthé €\n";

  @Test
  void encodesWithMergesAndNoSpecialTokens() throws IOException {
    try (AtlasTokenizer tok = AtlasTokenizer.load(TinyBpe.write(dir.resolve("tokenizer.json")))) {
      assertArrayEquals(unitIds(), tok.encode(UNIT));
      assertArrayEquals(new int[0], tok.encode(""));
      assertEquals(TinyBpe.endOfText() + 1, tok.vocabSize());
    }
  }

  @Test
  void displayStringsAreText() throws IOException {
    try (AtlasTokenizer tok = AtlasTokenizer.load(TinyBpe.write(dir.resolve("tokenizer.json")))) {
      List<String> d = tok.displayVocab();
      Map<String, Integer> v = TinyBpe.vocab();
      assertEquals(" ", d.get(v.get("Ġ")));
      assertEquals(" ", d.get(' '));
      assertEquals("\n", d.get('\n'));
      assertEquals("\t", d.get('\t'));
      assertEquals("a", d.get('a'));
      assertEquals(" the", d.get(v.get("Ġthe")));
      assertEquals("é", d.get(v.get("Ã©")));
      assertEquals("€", d.get(v.get("â" + TinyBpe.sym(0x82) + "¬")));
      assertEquals("\uFFFD", d.get(0xC3), "a lone UTF-8 lead byte decodes leniently");
      assertEquals("<|endoftext|>", d.get(TinyBpe.endOfText()));
      // Every token's display string equals the text it encodes.
      int[] ids = tok.encode(UNIT);
      StringBuilder sb = new StringBuilder();
      for (int id : ids) {
        sb.append(d.get(id));
      }
      assertEquals(UNIT, sb.toString());
    }
  }

  @Test
  void longTextIsCutOnlyWhereTokensCannotChange() throws IOException {
    int reps = AtlasTokenizer.PIECE_CHARS / UNIT.length() + 5000;
    String text = UNIT.repeat(reps);
    assertTrue(text.length() > AtlasTokenizer.PIECE_CHARS);
    int[] unit = unitIds();
    try (AtlasTokenizer tok = AtlasTokenizer.load(TinyBpe.write(dir.resolve("tokenizer.json")))) {
      int[] ids = tok.encode(text);
      assertEquals(unit.length * reps, ids.length);
      for (int i = 0; i < ids.length; i++) {
        assertEquals(unit[i % unit.length], ids[i], "token " + i);
      }
    }
    // A cut never falls inside a run of whitespace or next to punctuation.
    assertEquals(7, AtlasTokenizer.safeCut("ab\n\ncd\nef", 0));
    assertEquals(9, AtlasTokenizer.safeCut("ab  cd. e f", 0));
    assertEquals("ab\n\ncd\nef".length(), AtlasTokenizer.safeCut("ab\n\ncd\nef", 8));
  }

  @Test
  void longSingleLineTextIsCutBeforeSpaces() throws IOException {
    String unit = " the thé  the.";
    Map<String, Integer> v = TinyBpe.vocab();
    int[] unitIds = {v.get("Ġthe"), v.get("Ġ"), v.get("t"), v.get("h"), v.get("Ã©"), v.get("Ġ"), v.get("Ġthe"),
        '.'};
    int reps = AtlasTokenizer.PIECE_CHARS / unit.length() * 3;
    try (AtlasTokenizer tok = AtlasTokenizer.load(TinyBpe.write(dir.resolve("tokenizer.json")))) {
      assertArrayEquals(unitIds, tok.encode(unit));
      int[] ids = tok.encode(unit.repeat(reps));
      assertEquals(unitIds.length * reps, ids.length);
      for (int i = 0; i < ids.length; i++) {
        assertEquals(unitIds[i % unitIds.length], ids[i], "token " + i);
      }
    }
  }

  @Test
  void brokenFiles() throws IOException {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, "{\"model\": ");
    String msg = assertThrows(AtlasException.class, () -> AtlasTokenizer.load(f)).getMessage();
    assertTrue(msg.startsWith(f + ": "), msg);
    Files.writeString(f, "{\"model\": {\"type\": \"BPE\"}}");
    msg = assertThrows(AtlasException.class, () -> AtlasTokenizer.load(f)).getMessage();
    assertTrue(msg.startsWith(f + ": ") && msg.contains("vocab"), msg);
    Path missing = dir.resolve("none.json");
    msg = assertThrows(AtlasException.class, () -> AtlasTokenizer.load(missing)).getMessage();
    assertTrue(msg.startsWith(missing + ": "), msg);
  }

  /** The tiny tokenizer with {@code edit} applied to its JSON tree; returns the load error. */
  private String brokenBy(java.util.function.Consumer<ObjectNode> edit) throws IOException {
    Path f = TinyBpe.write(dir.resolve("tokenizer.json"));
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(f.toFile());
    edit.accept(root);
    json.writeValue(f.toFile(), root);
    String msg = assertThrows(AtlasException.class, () -> AtlasTokenizer.load(f)).getMessage();
    assertTrue(msg.startsWith(f + ": "), msg);
    assertTrue(!msg.contains("\n"), msg);
    return msg;
  }

  private static ObjectNode vocab(ObjectNode root) {
    return (ObjectNode) root.get("model").get("vocab");
  }

  private static ObjectNode added(ObjectNode root) {
    return (ObjectNode) root.get("added_tokens").get(0);
  }

  @Test
  void vocabEntriesMustBeIntegerIds() throws IOException {
    assertEquals("model.vocab entry \"h\" has no id (null)",
        tail(brokenBy(r -> vocab(r).putNull("h"))));
    assertEquals("model.vocab entry \"h\" has id \"7\"; expected a non-negative integer",
        tail(brokenBy(r -> vocab(r).put("h", "7"))));
    assertEquals("model.vocab entry \"h\" has id 1.5; expected a non-negative integer",
        tail(brokenBy(r -> vocab(r).put("h", 1.5))));
    int entries = TinyBpe.endOfText() + 1;
    // One huge id used to size the display table: refused against the number of entries.
    assertEquals("model.vocab entry \"h\" has id 2000000000, outside 0.." + (entries - 1)
        + " (the vocab and added tokens hold " + entries + " entries)",
        tail(brokenBy(r -> vocab(r).put("h", 2_000_000_000))));
    assertTrue(brokenBy(r -> vocab(r).put("h", -1)).contains("has id -1, outside"));
  }

  @Test
  void addedTokensMustHaveAnIdAndTextContent() throws IOException {
    assertEquals("added token \"<|endoftext|>\" has no id (null)", tail(brokenBy(r -> added(r).putNull("id"))));
    assertEquals("added_tokens[0] has content null; expected a string", tail(brokenBy(r -> added(r).putNull("content"))));
    assertEquals("added_tokens[0] is null, not an object",
        tail(brokenBy(r -> ((com.fasterxml.jackson.databind.node.ArrayNode) r.get("added_tokens")).insertNull(0))));
  }

  private String tail(String msg) {
    return msg.substring(msg.indexOf(": ") + 2);
  }
}
