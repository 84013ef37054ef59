package org.featureatlas.corpus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's tokenizer written out plainly from OpenAI's encoder.py (test reference, independent of
 * the code under test and of Hugging Face's): the byte-to-unicode table, the pre-tokenizing
 * regular expression and the rank-ordered merge loop.
 */
final class ReferenceBpe {
  private static final Pattern WORDS = Pattern.compile(
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private final Map<String, Integer> vocab;
  private final Map<String, Integer> ranks = new HashMap<>();

  /** {@code merges} as "a b" lines in priority order. */
  ReferenceBpe(Map<String, Integer> vocab, List<String> merges) {
    this.vocab = vocab;
    for (int i = 0; i < merges.size(); i++) {
      ranks.put(merges.get(i), i);
    }
  }

  /** encoder.py's bytes_to_unicode: byte value to its printable stand-in. */
  static char[] byteToUnicode() {
    List<Integer> bs = new ArrayList<>();
    for (int b = '!'; b <= '~'; b++) {
      bs.add(b);
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      bs.add(b);
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      bs.add(b);
    }
    char[] table = new char[256];
    for (int b : bs) {
      table[b] = (char) b;
    }
    int n = 0;
    for (int b = 0; b < 256; b++) {
      if (!bs.contains(b)) {
        table[b] = (char) (256 + n++);
      }
    }
    return table;
  }

  List<Integer> encode(String text) {
    char[] table = byteToUnicode();
    List<Integer> ids = new ArrayList<>();
    Matcher m = WORDS.matcher(text);
    while (m.find()) {
      StringBuilder mapped = new StringBuilder();
      for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) {
        mapped.append(table[b & 0xff]);
      }
      for (String piece : bpe(mapped.toString())) {
        Integer id = vocab.get(piece);
        if (id == null) {
          throw new IllegalStateException("piece not in vocab: " + piece);
        }
        ids.add(id);
      }
    }
    return ids;
  }

  private List<String> bpe(String word) {
    List<String> symbols = new ArrayList<>();
    for (int i = 0; i < word.length(); i++) {
      symbols.add(String.valueOf(word.charAt(i)));
    }
    while (symbols.size() > 1) {
      int best = Integer.MAX_VALUE;
      String bestPair = null;
      for (int i = 0; i + 1 < symbols.size(); i++) {
        Integer r = ranks.get(symbols.get(i) + " " + symbols.get(i + 1));
        if (r != null && r < best) {
          best = r;
          bestPair = symbols.get(i) + " " + symbols.get(i + 1);
        }
      }
      if (bestPair == null) {
        break;
      }
      List<String> next = new ArrayList<>();
      for (int i = 0; i < symbols.size(); i++) {
        if (i + 1 < symbols.size() && (symbols.get(i) + " " + symbols.get(i + 1)).equals(bestPair)) {
          next.add(symbols.get(i) + symbols.get(i + 1));
          i++;
        } else {
          next.add(symbols.get(i));
        }
      }
      symbols = next;
    }
    return symbols;
  }
}
