package org.featureatlas.corpus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import org.featureatlas.check.Check;

/**
 * Chooses the tokens a smaller vocabulary keeps: every base byte symbol (so any text still
 * tokenizes), the special token, then the most frequent tokens of a corpus with the parts they are
 * merged from. A word whose GPT-2 tokens are all kept tokenizes exactly as in GPT-2; other words
 * fall back to shorter kept pieces.
 */
public final class VocabularyReduction {
  private VocabularyReduction() {}

  /**
   * The kept token ids for a vocabulary of at most {@code size} tokens. Candidates are taken by
   * count descending, ties by id ascending; a candidate is added with every missing ancestor in its
   * merge tree when they all fit, and skipped otherwise. Tokens with count 0 are never added.
   */
  public static BitSet mostFrequent(BytePairEncoding bpe, long[] counts, int size) {
    Check.that(counts.length == bpe.size(), "token counts cover " + counts.length + " ids, the vocabulary has " + bpe.size());
    int[][] parents = bpe.parents();
    BitSet keep = new BitSet(bpe.size());
    for (int id = 0; id < bpe.size(); id++) {
      if (parents[id] == null) {
        keep.set(id);
      }
    }
    Check.that(keep.cardinality() <= size, "a vocabulary of " + size + " tokens cannot hold the "
        + keep.cardinality() + " base symbols");
    List<Integer> candidates = new ArrayList<>();
    for (int id = 0; id < counts.length; id++) {
      if (counts[id] > 0 && !keep.get(id)) {
        candidates.add(id);
      }
    }
    candidates.sort(Comparator.<Integer>comparingLong(id -> -counts[id]).thenComparingInt(id -> id));
    for (int candidate : candidates) {
      if (keep.cardinality() >= size) {
        break;
      }
      BitSet missing = missingAncestry(candidate, parents, keep);
      if (keep.cardinality() + missing.cardinality() <= size) {
        keep.or(missing);
      }
    }
    return keep;
  }

  private static BitSet missingAncestry(int id, int[][] parents, BitSet keep) {
    BitSet missing = new BitSet();
    Deque<Integer> todo = new ArrayDeque<>();
    todo.push(id);
    while (!todo.isEmpty()) {
      int t = todo.pop();
      if (keep.get(t) || missing.get(t)) {
        continue;
      }
      missing.set(t);
      if (parents[t] != null) {
        todo.push(parents[t][0]);
        todo.push(parents[t][1]);
      }
    }
    return missing;
  }
}
