package org.featureatlas.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;

/**
 * A Hugging Face {@code tokenizer.json} loaded from a local file (DJL's HuggingFaceTokenizer, no
 * download), with display strings for every id and the BOS token text input starts with.
 *
 * <p>Two families of {@code tokenizer.json} are read: byte-level BPE (GPT-2, Llama 3, Qwen 2: a
 * {@code ByteLevel} pre-tokenizer or decoder, tokens written in GPT-2's byte alphabet) and
 * SentencePiece-style BPE (Llama 2, Mistral, Gemma: {@code ▁} for a space, through a
 * {@code Replace} normalizer/decoder or a {@code Metaspace} pre-tokenizer, and with
 * {@code byte_fallback} the tokens {@code <0x00>..<0xFF>} for bytes of characters outside the vocab).
 * Encoding is DJL's (the Rust tokenizers library), so the pre-tokenizer regex, normalizers, byte
 * fallback and added tokens behave as in Hugging Face.
 */
public final class AtlasTokenizer implements AutoCloseable {
  /** Texts longer than this are tokenized in pieces cut where the cut cannot change the tokens. */
  static final int PIECE_CHARS = 1 << 15;
  /** Beside {@code tokenizer.json}: its {@code add_bos_token} and {@code bos_token} decide BOS. */
  public static final String CONFIG_FILE = "tokenizer_config.json";
  private static final Pattern BYTE_TOKEN = Pattern.compile("<0x([0-9A-Fa-f]{2})>");

  private final Path file;
  private final HuggingFaceTokenizer tokenizer;
  private final List<String> displayVocab;
  private final boolean byteLevel;
  private final int bosId;

  private AtlasTokenizer(Path file, HuggingFaceTokenizer tokenizer, Vocab vocab) {
    this.file = file;
    this.tokenizer = tokenizer;
    this.displayVocab = vocab.display;
    this.byteLevel = vocab.byteLevel;
    this.bosId = vocab.bosId;
  }

  /** What {@link #load} reads from the JSON besides the DJL tokenizer. */
  private record Vocab(List<String> display, boolean byteLevel, int bosId) {}

  /** Loads {@code tokenizerJson}; a broken file is a one-line {@link AtlasException}. */
  public static AtlasTokenizer load(Path tokenizerJson) {
    Check.readableFile(tokenizerJson);
    Vocab vocab = readVocab(tokenizerJson);
    HuggingFaceTokenizer tok;
    try {
      tok = HuggingFaceTokenizer.builder()
          .optTokenizerPath(tokenizerJson)
          .optAddSpecialTokens(false)
          .optTruncation(false)
          .optPadding(false)
          .build();
    } catch (IOException | RuntimeException e) {
      throw new AtlasException(tokenizerJson + ": cannot load tokenizer: " + IoErrors.reason(e), e);
    }
    return new AtlasTokenizer(tokenizerJson, tok, vocab);
  }

  private static Vocab readVocab(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    }
    JsonNode vocab = root == null ? null : root.path("model").get("vocab");
    Check.file(vocab != null && vocab.isObject(), file, "no model.vocab object (only BPE/WordPiece/WordLevel "
        + "tokenizers with a vocab map are supported)");
    boolean byteLevel = hasType(root.path("decoder"), "ByteLevel") || hasType(root.path("pre_tokenizer"), "ByteLevel");
    boolean metaspace = !byteLevel && (metaspace(root.path("normalizer")) || metaspace(root.path("pre_tokenizer"))
        || metaspace(root.path("decoder")));
    boolean byteFallback = root.path("model").path("byte_fallback").asBoolean(false);
    JsonNode addedTokens = root.path("added_tokens");
    Check.file(addedTokens.isMissingNode() || addedTokens.isNull() || addedTokens.isArray(), file,
        "added_tokens is not an array");
    // Ids are dense in every tokenizer we read: bound them by the number of entries, so that one
    // huge id cannot make the display table huge.
    long entries = (long) vocab.size() + addedTokens.size();
    int size = 0;
    for (Map.Entry<String, JsonNode> e : vocab.properties()) {
      size = Math.max(size, tokenId(file, "model.vocab entry " + quote(e.getKey()), e.getValue(), entries) + 1);
    }
    for (int i = 0; i < addedTokens.size(); i++) {
      JsonNode added = addedTokens.get(i);
      String what = "added_tokens[" + i + "]";
      Check.file(added.isObject(), file, what + " is " + added + ", not an object");
      JsonNode content = added.get("content");
      Check.file(content != null && content.isTextual(), file, what + " has content " + content
          + "; expected a string");
      what = "added token " + quote(content.asText());
      size = Math.max(size, tokenId(file, what, added.get("id"), entries) + 1);
    }
    Check.file(size > 0, file, "empty vocab");
    String[] display = new String[size];
    for (Map.Entry<String, JsonNode> e : vocab.properties()) {
      String token = e.getKey();
      display[e.getValue().asInt()] = byteLevel ? ByteLevel.decode(token) : sentencePiece(token, metaspace, byteFallback);
    }
    for (JsonNode added : addedTokens) {
      display[added.get("id").asInt()] = added.get("content").asText();
    }
    List<String> out = new ArrayList<>(size);
    for (String s : display) {
      out.add(s == null ? "" : s);
    }
    int bos = bosId(file, root, vocab, addedTokens);
    return new Vocab(Collections.unmodifiableList(out), byteLevel, bos);
  }

  /**
   * The display string of a SentencePiece-style token: {@code ▁} is a space; a byte-fallback token
   * {@code <0xHH>} is its byte as UTF-8 text, so an ASCII byte is its character ({@code <0x0A>} is
   * a newline) and a byte of a multi-byte character, not text on its own, is U+FFFD, as Hugging
   * Face's ByteFallback decoder shows a lone byte and as the byte-level path shows a partial
   * character: "€" split over {@code <0xE2><0x82><0xAC>} shows as three U+FFFD.
   */
  static String sentencePiece(String token, boolean metaspace, boolean byteFallback) {
    if (byteFallback) {
      Matcher m = BYTE_TOKEN.matcher(token);
      if (m.matches()) {
        int b = Integer.parseInt(m.group(1), 16);
        return b < 0x80 ? String.valueOf((char) b) : "\uFFFD";
      }
    }
    return metaspace ? token.replace('\u2581', ' ') : token;
  }

  /** Whether {@code node}, or a member of its {@code Sequence}, has {@code type}. */
  private static boolean hasType(JsonNode node, String type) {
    if (type.equals(node.path("type").asText())) {
      return true;
    }
    for (String list : List.of("pretokenizers", "normalizers", "decoders", "processors")) {
      for (JsonNode child : node.path(list)) {
        if (hasType(child, type)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@code node} writes spaces as {@code ▁}: a Metaspace, or a Replace to or from ▁. */
  private static boolean metaspace(JsonNode node) {
    if (node.isObject()) {
      String type = node.path("type").asText();
      if (type.equals("Metaspace")) {
        return true;
      }
      if (type.equals("Replace") && (node.path("content").asText().equals("\u2581")
          || node.path("pattern").path("String").asText().equals("\u2581"))) {
        return true;
      }
    }
    for (JsonNode child : node) {
      if (child.isContainerNode() && metaspace(child)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The BOS id text input starts with, or -1. {@code tokenizer_config.json} beside the file decides
   * when it has a boolean {@code add_bos_token} (true: its {@code bos_token}, a string or
   * {@code {"content": ...}}); otherwise the post-processor's {@code TemplateProcessing} (alone or
   * in a {@code Sequence}) does when its {@code single} template starts with a special token, as
   * Hugging Face adds it with {@code add_special_tokens=True}. GPT-2's and Qwen 2's tokenizer.json
   * have no such template, so their text input has no BOS.
   */
  private static int bosId(Path file, JsonNode root, JsonNode vocab, JsonNode addedTokens) {
    Path parent = file.toAbsolutePath().getParent();
    Path config = parent == null ? null : parent.resolve(CONFIG_FILE);
    if (config != null && Files.isRegularFile(config)) {
      JsonNode c;
      try {
        c = new ObjectMapper().readTree(config.toFile());
      } catch (IOException e) {
        throw IoErrors.reading(config, e);
      }
      JsonNode add = c == null ? null : c.get("add_bos_token");
      if (add != null && add.isBoolean()) {
        if (!add.asBoolean()) {
          return -1;
        }
        JsonNode bos = c.get("bos_token");
        String content = bos == null ? null : bos.isTextual() ? bos.asText() : bos.path("content").isTextual()
            ? bos.path("content").asText() : null;
        Check.file(content != null, config, "add_bos_token is true but bos_token is " + bos);
        int id = idOf(content, vocab, addedTokens);
        Check.file(id >= 0, config, "bos_token " + quote(content) + " is not a token of " + file.getFileName());
        return id;
      }
    }
    JsonNode template = template(root.path("post_processor"));
    if (template == null) {
      return -1;
    }
    JsonNode first = template.path("single").path(0).path("SpecialToken");
    if (first.isMissingNode()) {
      return -1;
    }
    String name = first.path("id").asText();
    JsonNode ids = template.path("special_tokens").path(name).path("ids");
    Check.file(ids.isArray() && ids.size() == 1 && ids.get(0).canConvertToInt(), file,
        "post_processor special token " + quote(name) + " has ids " + ids + "; expected one id");
    int id = ids.get(0).asInt();
    Check.file(id >= 0 && id < vocab.size() + addedTokens.size(), file, "post_processor special token "
        + quote(name) + " has id " + id + ", outside the vocabulary");
    return id;
  }

  private static JsonNode template(JsonNode processor) {
    if ("TemplateProcessing".equals(processor.path("type").asText())) {
      return processor;
    }
    for (JsonNode child : processor.path("processors")) {
      JsonNode t = template(child);
      if (t != null) {
        return t;
      }
    }
    return null;
  }

  private static int idOf(String content, JsonNode vocab, JsonNode addedTokens) {
    for (JsonNode added : addedTokens) {
      if (content.equals(added.get("content").asText())) {
        return added.get("id").asInt();
      }
    }
    JsonNode id = vocab.get(content);
    return id == null ? -1 : id.asInt();
  }

  /** A token id: an integer in 0..entries-1. */
  private static int tokenId(Path file, String what, JsonNode id, long entries) {
    Check.file(id != null && !id.isNull(), file, what + " has no id (null)");
    Check.file(id.isIntegralNumber(), file, what + " has id " + id + "; expected a non-negative integer");
    Check.file(id.canConvertToInt() && id.asInt() >= 0 && id.asInt() < entries, file, what + " has id "
        + id.asText() + ", outside 0.." + (entries - 1) + " (the vocab and added tokens hold " + entries
        + " entries)");
    return id.asInt();
  }

  private static String quote(String token) {
    String shown = token.length() > 40 ? token.substring(0, 40) + "..." : token;
    return "\"" + shown.replace("\n", "\\n").replace("\r", "\\r") + "\"";
  }

  /**
   * Token ids of {@code text}, no special tokens added. Long texts are cut into pieces of about
   * {@value #PIECE_CHARS} characters where the cut cannot change the tokens (small pieces encode
   * several times faster than one huge string through DJL).
   */
  public int[] encode(String text) {
    // Only byte-level pre-tokenizers split where safeCut cuts; SentencePiece-style tokenizers (no
    // pre-tokenizer, or a Metaspace one, and a ▁ prepended to the text) encode the text whole.
    if (text.length() <= PIECE_CHARS || !byteLevel) {
      return encodePiece(text);
    }
    List<int[]> bounds = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = safeCut(text, start + PIECE_CHARS);
      bounds.add(new int[] {start, end});
      start = end;
    }
    List<int[]> pieces = new ArrayList<>(bounds.size());
    for (int[] b : bounds) {
      pieces.add(encodePiece(text.substring(b[0], b[1])));
    }
    int total = 0;
    for (int[] p : pieces) {
      total += p.length;
    }
    int[] out = new int[total];
    int at = 0;
    for (int[] p : pieces) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /**
   * The first position at or after {@code from} where GPT-2's pre-tokenizer always splits, or the
   * text's end: just after a single newline, or just before a single space, between two letters or
   * digits. The pieces on either side then pre-tokenize exactly as the whole text does.
   */
  static int safeCut(String text, int from) {
    for (int i = Math.max(from, 2); i < text.length() - 1; i++) {
      char c = text.charAt(i);
      if (c == '\n' && Character.isLetterOrDigit(text.charAt(i - 1))
          && Character.isLetterOrDigit(text.charAt(i + 1))) {
        return i + 1;
      }
      if (c == ' ' && Character.isLetterOrDigit(text.charAt(i - 1))
          && Character.isLetterOrDigit(text.charAt(i + 1))) {
        return i;
      }
    }
    return text.length();
  }

  private int[] encodePiece(String text) {
    Encoding enc = tokenizer.encode(text, false, false);
    long[] ids = enc.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /** Display string of every id (index = id): byte-level symbols mapped back to text. */
  public List<String> displayVocab() {
    return displayVocab;
  }

  /** The BOS token id text input starts each sequence with, or -1 when the tokenizer defines none. */
  public int bosId() {
    return bosId;
  }

  /** Number of ids (largest id in the vocab or added tokens, plus one). */
  public int vocabSize() {
    return displayVocab.size();
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
