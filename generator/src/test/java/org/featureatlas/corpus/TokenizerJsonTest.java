package org.featureatlas.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featureatlas.check.AtlasException;
import org.featureatlas.tokenize.AtlasTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerJsonTest {
  private static final List<String> TEXTS = List.of(
      "Hello world",
      "Fellow-Citizens of the Senate and House of Representatives: the state of the Union is strong.",
      "It's 1999, isn't it?  Yes!\n\nWe'll see -- they've said 12,000 dollars ($3.5m).",
      "  leading spaces, tabs\tand caf\u00e9 na\u00efvet\u00e9 \u2014 \u201cquotes\u201d \u00a7 \ud83d\ude00 end ");

  /** A small GPT-2-style BPE: the 256 byte symbols, a few merges, then the special token. */
  static void writeTinyGpt2(Path dir) throws IOException {
    char[] table = ReferenceBpe.byteToUnicode();
    Map<String, Integer> encoder = new LinkedHashMap<>();
    List<Character> order = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      order.add(table[b]);
    }
    order.sort(null);
    for (char c : order) {
      encoder.put(String.valueOf(c), encoder.size());
    }
    String[] merges = {"Ġ t", "h e", "Ġt he", "i n", "Ġ a", "o n", "Ġ s", "e s", "Ġs t", "a t", "Ġst at", "Ġstat es"};
    for (String m : merges) {
      encoder.put(m.replace(" ", ""), encoder.size());
    }
    encoder.put(BytePairEncoding.END_OF_TEXT, encoder.size());
    new ObjectMapper().writeValue(dir.resolve("encoder.json").toFile(), encoder);
    Files.writeString(dir.resolve("vocab.bpe"), "#version: 0.2\n" + String.join("\n", merges) + "\n");
  }

  /** encoder.json (GPT-2's vocab) with the id of "he" replaced by {@code value}; returns the error. */
  private static String encoderWith(Path dir, String value) throws IOException {
    writeTinyGpt2(dir);
    Path encoder = dir.resolve("encoder.json");
    String text = Files.readString(encoder);
    String patched = text.replaceFirst("\"he\":\\d+", "\"he\":" + value);
    assertTrue(!patched.equals(text), text);
    Files.writeString(encoder, patched);
    String msg = assertThrows(AtlasException.class,
        () -> BytePairEncoding.readGpt2(encoder, dir.resolve("vocab.bpe"))).getMessage();
    assertTrue(msg.startsWith(encoder + ": "), msg);
    return msg.substring(encoder.toString().length() + 2);
  }

  @Test
  void encoderIdsMustBeIntegers(@TempDir Path dir) throws IOException {
    // A null id used to be a NullPointerException (exit 1, "internal error").
    assertEquals("token \"he\" has id null; expected an integer", encoderWith(dir, "null"));
    assertEquals("token \"he\" has id \"257\"; expected an integer", encoderWith(dir, "\"257\""));
    assertEquals("token \"he\" has id 2.5; expected an integer", encoderWith(dir, "2.5"));
    assertEquals("token \"he\" has id 4294967296; expected an integer", encoderWith(dir, "4294967296"));
  }

  @Test
  void tokenizerJsonWriteFailureNamesTheFile(@TempDir Path dir) throws IOException {
    writeTinyGpt2(dir);
    BytePairEncoding bpe = BytePairEncoding.readGpt2(dir.resolve("encoder.json"), dir.resolve("vocab.bpe"));
    Path blocker = dir.resolve("blocker");
    Files.writeString(blocker, "a file, not a directory");
    Path file = blocker.resolve("tokenizer.json");
    String msg = assertThrows(AtlasException.class, () -> TokenizerJson.write(bpe, file)).getMessage();
    assertEquals(file + ": cannot write (" + blocker + ": already exists)", msg);
  }

  @Test
  void builtTokenizerMatchesReferenceBpe(@TempDir Path dir) throws IOException {
    writeTinyGpt2(dir);
    BytePairEncoding bpe = BytePairEncoding.readGpt2(dir.resolve("encoder.json"), dir.resolve("vocab.bpe"));
    assertEquals(256 + 12 + 1, bpe.size());
    assertEquals(268, bpe.endOfText());
    Path file = dir.resolve("out/tokenizer.json");
    TokenizerJson.write(bpe, file);
    ReferenceBpe reference = new ReferenceBpe(bpe.ids(), bpe.merges());
    try (AtlasTokenizer tok = AtlasTokenizer.load(file)) {
      assertEquals(bpe.size(), tok.vocabSize());
      assertEquals("<|endoftext|>", tok.displayVocab().get(268));
      for (String text : TEXTS.subList(0, 3)) {
        assertArrayEquals(toArray(reference.encode(text)), tok.encode(text), text);
      }
      String states = " the states";
      int[] ids = tok.encode(states);
      assertArrayEquals(new int[] {bpe.ids().get("Ġthe"), bpe.ids().get("Ġstates")}, ids);
    }
  }

  @Test
  void restrictedVocabularyKeepsOrderAndOnlyMergesItCanMake(@TempDir Path dir) throws IOException {
    writeTinyGpt2(dir);
    BytePairEncoding bpe = BytePairEncoding.readGpt2(dir.resolve("encoder.json"), dir.resolve("vocab.bpe"));
    Map<String, Integer> ids = bpe.ids();
    BitSet keep = new BitSet();
    keep.set(0, 256);
    keep.set(ids.get("Ġt"));
    keep.set(ids.get("he"));
    keep.set(ids.get("Ġthe"));
    keep.set(bpe.endOfText());
    BytePairEncoding small = bpe.restrictTo(keep);
    assertEquals(260, small.size());
    assertEquals(259, small.endOfText());
    assertEquals(List.of("Ġ t", "h e", "Ġt he"), small.merges());
    assertEquals(List.of("Ġt", "he", "Ġthe"), small.tokens().subList(256, 259));
    BitSet orphan = new BitSet();
    orphan.set(0, 256);
    orphan.set(ids.get("Ġthe"));
    orphan.set(bpe.endOfText());
    assertThrows(AtlasException.class, () -> bpe.restrictTo(orphan));
    Path file = dir.resolve("small/tokenizer.json");
    TokenizerJson.write(small, file);
    try (AtlasTokenizer tok = AtlasTokenizer.load(file)) {
      // "states" lost its merges: it falls back to byte symbols; " the" keeps its token.
      int[] got = tok.encode(" the states");
      List<Integer> expected = new ReferenceBpe(small.ids(), small.merges()).encode(" the states");
      assertArrayEquals(toArray(expected), got);
      assertEquals(small.ids().get("Ġthe"), got[0]);
      assertEquals(1 + " states".length(), got.length);
    }
  }

  /** The committed demo tokenizer: GPT-2's pieces, checked against the reference on its own vocab and merges. */
  @Test
  void committedDemoTokenizerIsGpt2Bpe() throws IOException {
    Path file = Path.of(System.getProperty("atlas.home", "."), "demo/model/tokenizer.json");
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("model").path("vocab").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      vocab.put(e.getKey(), e.getValue().asInt());
    }
    List<String> merges = new ArrayList<>();
    root.path("model").path("merges").forEach(m -> merges.add(m.asText()));
    ReferenceBpe reference = new ReferenceBpe(vocab, merges);
    try (AtlasTokenizer tok = AtlasTokenizer.load(file)) {
      for (String text : TEXTS) {
        int[] ids = tok.encode(text);
        assertArrayEquals(toArray(reference.encode(text)), ids, text);
        StringBuilder decoded = new StringBuilder();
        for (int id : ids) {
          decoded.append(tok.displayVocab().get(id));
        }
        if (text.chars().allMatch(c -> c < 128)) { // a multi-byte character may be split over tokens
          assertEquals(text, decoded.toString());
        }
      }
      // Words the corpus uses often keep GPT-2's pieces (GPT-2 ids 464, 1578, 1829 there; renumbered here).
      int[] us = tok.encode("The United States");
      assertEquals(List.of("The", " United", " States"), Arrays.stream(us).mapToObj(tok.displayVocab()::get).toList());
      assertTrue(vocab.size() < 50257 && vocab.size() >= 256);
    }
    assertEquals(vocab.size(), root.path("added_tokens").get(0).path("id").asInt() + 1);
    assertEquals("<|endoftext|>", root.path("added_tokens").get(0).path("content").asText());
    assertEquals(new String(new byte[] {(byte) 0xc4, (byte) 0xa0}, StandardCharsets.UTF_8), "\u0120");
  }

  private static int[] toArray(List<Integer> ids) {
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }
}
