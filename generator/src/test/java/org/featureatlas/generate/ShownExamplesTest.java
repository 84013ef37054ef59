package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.featureatlas.data.Example;
import org.junit.jupiter.api.Test;

/** Examples are joined on (feature, position) itself: no limit on d_sae or on the number of positions. */
class ShownExamplesTest {
  static Example example(int marker) {
    return new Example(marker, 0, 1.0, 0, List.of(1), List.of(1.0), List.of(0.0), List.of(List.of()), List.of(List.of()));
  }

  @Test
  void pairsThatAPackedKeyWouldMergeStayApart() {
    ShownExamples shown = new ShownExamples();
    // (pos << 24) ^ feature: (1, 0) and (0, 2^24) both gave 2^24; a position past 2^40 lost its high bits.
    shown.put(0, 1, example(1));
    shown.put(1 << 24, 0, example(2));
    shown.put(5, 1L << 41, example(3));
    shown.put(5, 0, example(4));
    shown.put(Integer.MAX_VALUE, Long.MAX_VALUE, example(5));
    assertEquals(5, shown.size());
    assertEquals(1, shown.get(0, 1).seq());
    assertEquals(2, shown.get(1 << 24, 0).seq());
    assertEquals(3, shown.get(5, 1L << 41).seq());
    assertEquals(4, shown.get(5, 0).seq());
    assertEquals(5, shown.get(Integer.MAX_VALUE, Long.MAX_VALUE).seq());
    assertThrows(IllegalStateException.class, () -> shown.get(1, 0));
  }
}
