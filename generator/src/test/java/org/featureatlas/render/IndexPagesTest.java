package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexPagesTest {
  private static List<Integer> links(int page, int pages) {
    List<Integer> out = new ArrayList<>();
    for (int p = 1; p <= pages; p++) {
      if (IndexPages.listed(p, page, pages)) {
        out.add(p);
      }
    }
    return out;
  }

  @Test
  void aFewPagesAreAllListed() {
    for (int page = 1; page <= 20; page++) {
      assertEquals(20, links(page, 20).size());
    }
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 10, 20, 21), links(1, 21));
  }

  @Test
  void manyPagesListTheNeighboursTensAndHundredsAndEveryPageIsReachableInFewSteps() {
    int pages = 2098; // 1,048,576 features at 500 rows a page
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 600, 700, 800,
        900, 1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 2000, 2098), links(1, pages));
    int[] steps = new int[pages + 1];
    java.util.Arrays.fill(steps, -1);
    steps[1] = 0;
    ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(1));
    int most = 0;
    while (!queue.isEmpty()) {
      int page = queue.poll();
      List<Integer> next = links(page, pages);
      assertTrue(next.size() <= 60, "page " + page + " lists " + next.size() + " pages");
      for (int p : next) {
        if (steps[p] < 0) {
          steps[p] = steps[page] + 1;
          most = Math.max(most, steps[p]);
          queue.add(p);
        }
      }
    }
    for (int p = 1; p <= pages; p++) {
      assertTrue(steps[p] >= 0, "page " + p + " is reachable");
    }
    assertTrue(most <= 4, "every page within 4 clicks of the first, got " + most);
  }
}
