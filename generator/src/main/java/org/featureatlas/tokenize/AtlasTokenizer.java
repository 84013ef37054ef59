package org.featureatlas.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;

/**
 * A Hugging Face {@code tokenizer.json} loaded from a local file (DJL's HuggingFaceTokenizer, no
 * download), with display strings for every id.
 */
public final class AtlasTokenizer implements AutoCloseable {
  /** Texts longer than this are tokenized in pieces cut where the cut cannot change the tokens. */
  static final int PIECE_CHARS = 1 << 15;

  private final Path file;
  private final HuggingFaceTokenizer tokenizer;
  private final List<String> displayVocab;

  private AtlasTokenizer(Path file, HuggingFaceTokenizer tokenizer, List<String> displayVocab) {
    this.file = file;
    this.tokenizer = tokenizer;
    this.displayVocab = displayVocab;
  }

  /** Loads {@code tokenizerJson}; a broken file is a one-line {@link AtlasException}. */
  public static AtlasTokenizer load(Path tokenizerJson) {
    Check.readableFile(tokenizerJson);
    List<String> vocab = readDisplayVocab(tokenizerJson);
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

  private static List<String> readDisplayVocab(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    }
    JsonNode vocab = root == null ? null : root.path("model").get("vocab");
    Check.file(vocab != null && vocab.isObject(), file, "no model.vocab object (only BPE/WordPiece/WordLevel "
        + "tokenizers with a vocab map are supported)");
    boolean byteLevel = "ByteLevel".equals(root.path("decoder").path("type").asText())
        || "ByteLevel".equals(root.path("pre_tokenizer").path("type").asText());
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
      display[e.getValue().asInt()] = byteLevel ? ByteLevel.decode(e.getKey()) : e.getKey();
    }
    for (JsonNode added : addedTokens) {
      display[added.get("id").asInt()] = added.get("content").asText();
    }
    List<String> out = new ArrayList<>(size);
    for (String s : display) {
      out.add(s == null ? "" : s);
    }
    return Collections.unmodifiableList(out);
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
    if (text.length() <= PIECE_CHARS) {
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
