package org.featureatlas.tokenize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny GPT-2-style byte-level BPE {@code tokenizer.json} for tests: the 256 byte symbols (ids
 * 0..255 by byte value), a few merges, and {@code <|endoftext|>}.
 */
public final class TinyBpe {
  /** Merges in rank order; each adds the merged symbol to the vocab. */
  static final String[][] MERGES = {
      {"h", "e"}, {"t", "he"}, {"Ġ", "the"}, {"Ã", "©"}, {"â", sym(0x82)}, {"â" + sym(0x82), "¬"}};

  private TinyBpe() {}

  /** GPT-2's bytes_to_unicode, written out here from the GPT-2 source, independent of the main code. */
  static String sym(int b) {
    List<Integer> bs = new ArrayList<>();
    for (int i = '!'; i <= '~'; i++) {
      bs.add(i);
    }
    for (int i = 0xA1; i <= 0xAC; i++) {
      bs.add(i);
    }
    for (int i = 0xAE; i <= 0xFF; i++) {
      bs.add(i);
    }
    if (bs.contains(b)) {
      return String.valueOf((char) b);
    }
    int n = 0;
    for (int i = 0; i < 256; i++) {
      if (!bs.contains(i)) {
        if (i == b) {
          return String.valueOf((char) (256 + n));
        }
        n++;
      }
    }
    throw new IllegalArgumentException();
  }

  /** Vocab: symbol -> id. */
  public static Map<String, Integer> vocab() {
    Map<String, Integer> v = new LinkedHashMap<>();
    for (int b = 0; b < 256; b++) {
      v.put(sym(b), b);
    }
    for (String[] m : MERGES) {
      v.put(m[0] + m[1], v.size());
    }
    return v;
  }

  public static int endOfText() {
    return vocab().size();
  }

  /** Writes the tokenizer to {@code file}. */
  public static Path write(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    ObjectNode eot = added.addObject();
    eot.put("id", endOfText());
    eot.put("content", "<|endoftext|>");
    eot.put("single_word", false);
    eot.put("lstrip", false);
    eot.put("rstrip", false);
    eot.put("normalized", true);
    eot.put("special", true);
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "ByteLevel");
    pre.put("add_prefix_space", false);
    pre.put("trim_offsets", true);
    pre.put("use_regex", true);
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "ByteLevel");
    post.put("add_prefix_space", true);
    post.put("trim_offsets", false);
    post.put("use_regex", true);
    ObjectNode dec = root.putObject("decoder");
    dec.put("type", "ByteLevel");
    dec.put("add_prefix_space", true);
    dec.put("trim_offsets", true);
    dec.put("use_regex", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.put("continuing_subword_prefix", "");
    model.put("end_of_word_suffix", "");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    ObjectNode vocab = model.putObject("vocab");
    vocab().forEach(vocab::put);
    ArrayNode merges = model.putArray("merges");
    for (String[] m : MERGES) {
      merges.add(m[0] + " " + m[1]);
    }
    json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    return file;
  }
}
