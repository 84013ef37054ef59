package org.featureatlas.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featureatlas.check.AtlasException;
import org.featureatlas.dataset.TokenDataset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-made {@code tokenizer.json} files laid out as the Llama 2 / Mistral / Gemma (SentencePiece
 * BPE with byte fallback) and Llama 3 / Qwen 2 (byte-level BPE with a Split regex) ones, with ids
 * and display strings worked out by hand from Hugging Face's BPE algorithm.
 */
class FamilyTokenizerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  // ------------------------------------------------------------------ SentencePiece-style BPE

  /** Merges in rank order; each result is a vocab entry. */
  private static final String[] SP_MERGES = {"h e", "l l", "he ll", "hell o", "\u2581 hello", "\u2581 w", "o r",
      "\u2581w or", "\u2581wor l", "\u2581worl d"};

  /** 0 <unk>, 1 <s>, 2 </s>, 3..258 <0x00>..<0xFF>, then ▁ h e l o w r d and the merge results. */
  private static Map<String, Integer> spVocab() {
    Map<String, Integer> v = new LinkedHashMap<>();
    v.put("<unk>", 0);
    v.put("<s>", 1);
    v.put("</s>", 2);
    for (int b = 0; b < 256; b++) {
      v.put(String.format("<0x%02X>", b), 3 + b);
    }
    for (String s : List.of("\u2581", "h", "e", "l", "o", "w", "r", "d")) {
      v.put(s, v.size());
    }
    for (String m : SP_MERGES) {
      v.put(m.replace(" ", ""), v.size());
    }
    return v;
  }

  private static ObjectNode special(ArrayNode added, int id, String content) {
    ObjectNode t = added.addObject();
    t.put("id", id);
    t.put("content", content);
    t.put("single_word", false);
    t.put("lstrip", false);
    t.put("rstrip", false);
    t.put("normalized", false);
    t.put("special", true);
    return t;
  }

  /** TemplateProcessing "BOS $A" (pair "BOS $A BOS $B"), as the Llama 2 and Gemma files have. */
  private static ObjectNode template(String bos, int bosId) {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "TemplateProcessing");
    ArrayNode single = p.putArray("single");
    single.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
    single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    ArrayNode pair = p.putArray("pair");
    pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 1);
    pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
    ObjectNode st = p.putObject("special_tokens").putObject(bos);
    st.put("id", bos);
    st.putArray("ids").add(bosId);
    st.putArray("tokens").add(bos);
    return p;
  }

  private static ObjectNode replace(String from, String to) {
    ObjectNode r = JSON.createObjectNode();
    r.put("type", "Replace");
    r.putObject("pattern").put("String", from);
    r.put("content", to);
    return r;
  }

  /**
   * layout "llama2": normalizer Prepend(▁) + Replace(" " -> ▁), no pre-tokenizer (Llama 2, Mistral
   * 7B v0.1); "metaspace": a Metaspace pre-tokenizer with prepend_scheme first (newer Llama 2 /
   * Mistral conversions); "gemma": normalizer Replace(" " -> ▁) only, no ▁ prepended.
   */
  private Path writeSentencePiece(String layout) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    special(added, 0, "<unk>");
    special(added, 1, "<s>");
    special(added, 2, "</s>");
    switch (layout) {
      case "llama2" -> {
        ObjectNode n = root.putObject("normalizer");
        n.put("type", "Sequence");
        ArrayNode list = n.putArray("normalizers");
        list.addObject().put("type", "Prepend").put("prepend", "\u2581");
        list.add(replace(" ", "\u2581"));
        root.putNull("pre_tokenizer");
      }
      case "metaspace" -> {
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "\u2581")
            .put("prepend_scheme", "first").put("split", false);
      }
      case "gemma" -> {
        root.set("normalizer", replace(" ", "\u2581"));
        root.putNull("pre_tokenizer");
      }
      default -> throw new IllegalArgumentException(layout);
    }
    root.set("post_processor", template("<s>", 1));
    ObjectNode d = root.putObject("decoder");
    d.put("type", "Sequence");
    ArrayNode decoders = d.putArray("decoders");
    decoders.add(replace("\u2581", " "));
    decoders.addObject().put("type", "ByteFallback");
    decoders.addObject().put("type", "Fuse");
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.put("unk_token", "<unk>");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", true);
    model.put("byte_fallback", true);
    ObjectNode vocab = model.putObject("vocab");
    spVocab().forEach(vocab::put);
    ArrayNode merges = model.putArray("merges");
    for (String m : SP_MERGES) {
      merges.add(m);
    }
    Path file = dir.resolve(layout + "/tokenizer.json");
    Files.createDirectories(file.getParent());
    JSON.writeValue(file.toFile(), root);
    return file;
  }

  private static final String TEXT = "hello world \u20ac\n";

  /**
   * "hello world €\n" by hand. Llama 2 normalizes it to "▁hello▁world▁€\n" (Prepend, then Replace;
   * the Metaspace pre-tokenizer gives the same string, unsplit), one word for BPE. Its symbols are
   * the characters, except that "€" and "\n" are not in the vocab and byte_fallback turns them into
   * their UTF-8 bytes <0xE2><0x82><0xAC> and <0x0A>. The merges apply lowest rank first: h e, l l,
   * he ll, hell o, ▁ hello make ▁hello; ▁ w, o r, ▁w or, ▁wor l, ▁worl d make ▁world; the last ▁
   * has no merge with a byte token. Gemma prepends no ▁, so the first word is "hello".
   */
  private static int[] expectedSentencePiece(boolean prefix) {
    Map<String, Integer> v = spVocab();
    return new int[] {v.get(prefix ? "\u2581hello" : "hello"), v.get("\u2581world"), v.get("\u2581"), 3 + 0xE2,
        3 + 0x82, 3 + 0xAC, 3 + 0x0A};
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama2", "metaspace", "gemma"})
  void sentencePieceWithByteFallback(String layout) throws IOException {
    try (AtlasTokenizer tok = AtlasTokenizer.load(writeSentencePiece(layout))) {
      assertArrayEquals(expectedSentencePiece(!layout.equals("gemma")), tok.encode(TEXT));
      assertEquals(1, tok.bosId(), "the post_processor's TemplateProcessing starts with <s>");
      List<String> d = tok.displayVocab();
      Map<String, Integer> v = spVocab();
      assertEquals(" hello", d.get(v.get("\u2581hello")));
      assertEquals(" ", d.get(v.get("\u2581")));
      assertEquals("\n", d.get(3 + 0x0A), "an ASCII byte token shows its character");
      assertEquals("A", d.get(3 + 0x41));
      // A character split over byte tokens: each byte of "€" alone is not text, shown as U+FFFD.
      assertEquals("\uFFFD", d.get(3 + 0xE2));
      assertEquals("\uFFFD", d.get(3 + 0x82));
      assertEquals("<s>", d.get(1));
      assertEquals("<unk>", d.get(0));
      StringBuilder shown = new StringBuilder();
      for (int id : tok.encode(TEXT)) {
        shown.append(d.get(id));
      }
      String prefix = layout.equals("gemma") ? "" : " ";
      assertEquals(prefix + "hello world \uFFFD\uFFFD\uFFFD\n", shown.toString());
    }
  }

  @Test
  void textInputStartsEachSequenceWithBos() throws IOException {
    try (AtlasTokenizer tok = AtlasTokenizer.load(writeSentencePiece("llama2"))) {
      Path text = dir.resolve("t.txt");
      Files.writeString(text, TEXT);
      // 7 text tokens; sequences of 4 are BOS + 3 tokens: two sequences, the 7th token dropped.
      TokenDataset ds = TokenDataset.fromText(text, tok, 4);
      int[] t = expectedSentencePiece(true);
      assertEquals(2, ds.nSeq());
      assertArrayEquals(new int[] {1, t[0], t[1], t[2], 1, t[3], t[4], t[5]}, ds.ids());
      String msg = assertThrows(AtlasException.class, () -> TokenDataset.fromText(text, tok, 1)).getMessage();
      assertTrue(msg.contains("at least 2") && !msg.contains("\n"), msg);
      msg = assertThrows(AtlasException.class, () -> TokenDataset.fromText(text, tok, 9)).getMessage();
      assertTrue(msg.startsWith(text + ": only 7 tokens") && msg.contains("BOS + 8"), msg);
    }
  }

  // ------------------------------------------------------------------ byte-level BPE (Llama 3, Qwen 2)

  /** Llama 3's pre-tokenizer regex, as in its tokenizer.json (Qwen 2's differs only in \p{N}). */
  private static final String LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
      + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  private static final String[] BL_MERGES = {"1 2", "3 4", "12 3", "4 5"};
  private static final int BEGIN = 260;

  private static Map<String, Integer> blVocab() {
    Map<String, Integer> v = new LinkedHashMap<>();
    for (int b = 0; b < 256; b++) {
      v.put(TinyBpe.sym(b), b);
    }
    for (String m : BL_MERGES) {
      v.put(m.replace(" ", ""), v.size());
    }
    return v;
  }

  private static ObjectNode byteLevel(boolean useRegex) {
    ObjectNode b = JSON.createObjectNode();
    b.put("type", "ByteLevel");
    b.put("add_prefix_space", false);
    b.put("trim_offsets", true);
    b.put("use_regex", useRegex);
    return b;
  }

  /** A Llama 3 layout (withBos) or a Qwen 2 one (post_processor ByteLevel only). */
  private Path writeByteLevel(String name, boolean withBos) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    special(added, BEGIN, "<|begin_of_text|>");
    special(added, BEGIN + 1, "<|end_of_text|>");
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Sequence");
    ArrayNode pres = pre.putArray("pretokenizers");
    ObjectNode split = pres.addObject();
    split.put("type", "Split");
    split.putObject("pattern").put("Regex", LLAMA3_REGEX);
    split.put("behavior", "Isolated");
    split.put("invert", false);
    pres.add(byteLevel(false));
    if (withBos) {
      ObjectNode post = root.putObject("post_processor");
      post.put("type", "Sequence");
      post.putArray("processors").add(byteLevel(true)).add(template("<|begin_of_text|>", BEGIN));
    } else {
      root.set("post_processor", byteLevel(false));
    }
    root.set("decoder", byteLevel(true));
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", true);
    ObjectNode vocab = model.putObject("vocab");
    blVocab().forEach(vocab::put);
    ArrayNode merges = model.putArray("merges");
    for (String m : BL_MERGES) {
      merges.add(m);
    }
    Path file = dir.resolve(name + "/tokenizer.json");
    Files.createDirectories(file.getParent());
    JSON.writeValue(file.toFile(), root);
    return file;
  }

  /**
   * "x 12345 €" by hand. The Split regex gives "x", " " (\s+: the space is followed by a digit, not
   * a letter), "123", "45" (\p{N}{1,3}), " €" ( ?[^\s\p{L}\p{N}]+). In bytes: "123" merges 1 2, then
   * 12 3; "45" merges 4 5; " €" is 0x20 0xE2 0x82 0xAC with no merges. (GPT-2's regex would keep
   * " 12345" whole and merge it into Ġ 12 34 5 instead.)
   */
  private static int[] expectedByteLevel() {
    Map<String, Integer> v = blVocab();
    return new int[] {'x', ' ', v.get("123"), v.get("45"), ' ', 0xE2, 0x82, 0xAC};
  }

  @Test
  void byteLevelWithSplitRegexAndBos() throws IOException {
    try (AtlasTokenizer tok = AtlasTokenizer.load(writeByteLevel("llama3", true))) {
      assertArrayEquals(expectedByteLevel(), tok.encode("x 12345 \u20ac"));
      assertEquals(BEGIN, tok.bosId());
      List<String> d = tok.displayVocab();
      assertEquals(" ", d.get(' '));
      assertEquals("123", d.get(blVocab().get("123")));
      assertEquals("\uFFFD", d.get(0xE2), "a lone byte of a multi-byte character");
      assertEquals("<|begin_of_text|>", d.get(BEGIN));
      // Long texts are cut into pieces for byte-level tokenizers; the ids must not change.
      String unit = "x 12345 \u20ac\nab 3 cd\n";
      String text = unit.repeat(AtlasTokenizer.PIECE_CHARS / unit.length() * 3);
      int[] one = tok.encode(unit);
      int[] all = tok.encode(text);
      assertEquals(one.length * (text.length() / unit.length()), all.length);
      for (int i = 0; i < all.length; i++) {
        assertEquals(one[i % one.length], all[i], "token " + i);
      }
    }
  }

  @Test
  void qwenStyleHasNoBos() throws IOException {
    try (AtlasTokenizer tok = AtlasTokenizer.load(writeByteLevel("qwen2", false))) {
      assertEquals(-1, tok.bosId());
      Path text = dir.resolve("t.txt");
      Files.writeString(text, "x 12345 \u20ac");
      assertArrayEquals(expectedByteLevel(), TokenDataset.fromText(text, tok, 8).ids());
    }
  }

  @Test
  void tokenizerConfigDecidesBos() throws IOException {
    Path qwen = writeByteLevel("qwen2", false);
    Path config = qwen.resolveSibling(AtlasTokenizer.CONFIG_FILE);
    Files.writeString(config, "{\"add_bos_token\": true, \"bos_token\": {\"content\": \"<|begin_of_text|>\"}}");
    try (AtlasTokenizer tok = AtlasTokenizer.load(qwen)) {
      assertEquals(BEGIN, tok.bosId());
    }
    Path llama = writeByteLevel("llama3", true);
    Files.writeString(llama.resolveSibling(AtlasTokenizer.CONFIG_FILE), "{\"add_bos_token\": false}");
    try (AtlasTokenizer tok = AtlasTokenizer.load(llama)) {
      assertEquals(-1, tok.bosId());
    }
    Files.writeString(config, "{\"add_bos_token\": true, \"bos_token\": \"<nope>\"}");
    String msg = assertThrows(AtlasException.class, () -> AtlasTokenizer.load(qwen)).getMessage();
    assertTrue(msg.startsWith(config + ": bos_token \"<nope>\""), msg);
    assertFalse(msg.contains("\n"));
  }

  @Test
  void gpt2StyleTokenizerKeepsNoBos() throws IOException {
    try (AtlasTokenizer tok = AtlasTokenizer.load(TinyBpe.write(dir.resolve("tokenizer.json")))) {
      assertEquals(-1, tok.bosId());
    }
  }
}
