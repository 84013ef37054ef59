package org.featureatlas.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.featureatlas.dataset.TokenDataset;
import org.junit.jupiter.api.Test;

class SequencesTest {
  @Test
  void concatenatesWithSeparatorsAndDropsTheRemainder() {
    TokenDataset d = Sequences.cut(List.of(new int[] {1, 2, 3}, new int[] {4}, new int[] {5, 6, 7, 8}), 0, 4);
    // stream: 1 2 3 0 4 0 5 6 7 8 0 (11 tokens) -> two sequences of 4, three tokens dropped
    assertEquals(2, d.nSeq());
    assertArrayEquals(new int[] {1, 2, 3, 0, 4, 0, 5, 6}, d.ids());
  }
}
