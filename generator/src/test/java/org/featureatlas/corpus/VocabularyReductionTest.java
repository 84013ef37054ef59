package org.featureatlas.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyReductionTest {
  @Test
  void keepsBytesThenFrequentTokensWithTheirParts(@TempDir Path dir) throws IOException {
    TokenizerJsonTest.writeTinyGpt2(dir);
    BytePairEncoding bpe = BytePairEncoding.readGpt2(dir.resolve("encoder.json"), dir.resolve("vocab.bpe"));
    Map<String, Integer> ids = bpe.ids();
    long[] counts = new long[bpe.size()];
    counts[ids.get("Ġstates")] = 100; // needs Ġstat, es, Ġst, at, Ġs: 6 tokens in all
    counts[ids.get("Ġthe")] = 50; // needs Ġt, he: 3 tokens
    counts[ids.get("in")] = 40; // 1 token
    counts[ids.get("on")] = 40; // 1 token, same count: the smaller id ("in" was merged first) wins
    counts[ids.get("Ġa")] = 0; // never seen: never kept

    BitSet keep = VocabularyReduction.mostFrequent(bpe, counts, 257 + 6 + 1);
    assertEquals(264, keep.cardinality());
    for (String t : new String[] {"Ġstates", "Ġstat", "es", "Ġst", "at", "Ġs", "in"}) {
      assertTrue(keep.get(ids.get(t)), t);
    }
    assertFalse(keep.get(ids.get("Ġthe")), "does not fit beside Ġstates' tree");
    assertFalse(keep.get(ids.get("on")));
    assertTrue(keep.get(bpe.endOfText()));
    for (int b = 0; b < 256; b++) {
      assertTrue(keep.get(b));
    }

    BitSet all = VocabularyReduction.mostFrequent(bpe, counts, 1000);
    assertFalse(all.get(ids.get("Ġa")));
    assertEquals(257 + 6 + 3 + 2, all.cardinality());
  }
}
