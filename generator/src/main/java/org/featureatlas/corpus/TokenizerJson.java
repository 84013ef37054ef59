package org.featureatlas.corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featureatlas.check.IoErrors;

/**
 * Writes a {@link BytePairEncoding} as a Hugging Face {@code tokenizer.json}, laid out as the one
 * published with GPT-2: a BPE model, byte-level pre-tokenizer (no prefix space) and decoder, and
 * {@code <|endoftext|>} as the one added special token.
 */
public final class TokenizerJson {
  private TokenizerJson() {}

  /** The tokenizer.json tree, fields in a fixed order. */
  public static Map<String, Object> tree(BytePairEncoding bpe) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", "1.0");
    root.put("truncation", null);
    root.put("padding", null);
    Map<String, Object> eot = new LinkedHashMap<>();
    eot.put("id", bpe.endOfText());
    eot.put("content", BytePairEncoding.END_OF_TEXT);
    eot.put("single_word", false);
    eot.put("lstrip", false);
    eot.put("rstrip", false);
    eot.put("normalized", true);
    eot.put("special", true);
    root.put("added_tokens", List.of(eot));
    root.put("normalizer", null);
    root.put("pre_tokenizer", byteLevel(false, true));
    root.put("post_processor", byteLevel(true, false));
    root.put("decoder", byteLevel(true, true));
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "BPE");
    model.put("dropout", null);
    model.put("unk_token", null);
    model.put("continuing_subword_prefix", "");
    model.put("end_of_word_suffix", "");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (int id = 0; id < bpe.size(); id++) {
      vocab.put(bpe.tokens().get(id), id);
    }
    model.put("vocab", vocab);
    model.put("merges", bpe.merges());
    root.put("model", model);
    return root;
  }

  /** Writes {@code tokenizer.json} to {@code file}. */
  public static void write(BytePairEncoding bpe, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), tree(bpe));
    } catch (IOException e) {
      throw IoErrors.writing(file, e);
    }
  }

  private static Map<String, Object> byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "ByteLevel");
    m.put("add_prefix_space", addPrefixSpace);
    m.put("trim_offsets", trimOffsets);
    m.put("use_regex", true);
    return m;
  }
}
