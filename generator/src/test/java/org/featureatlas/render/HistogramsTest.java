package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.featureatlas.data.Histogram;
import org.featureatlas.render.view.HistogramView;
import org.junit.jupiter.api.Test;

class HistogramsTest {
  @Test
  void barsAreScaledToTheTallestAndSplitBySign() {
    Histogram h = new Histogram(List.of(-2.0, -1.0, 0.0, 1.0, 2.0), List.of(5L, 0L, 10L, 2L));
    HistogramView v = Histograms.of(h, "x", true);
    assertEquals(3, v.barCount());
    assertEquals("n", v.paths().get(0).cls());
    assertEquals("M0 80v-40h74v40", v.paths().get(0).d());
    assertEquals("p", v.paths().get(1).cls());
    assertEquals("M150 80v-80h74v80m1 0v-16h74v16", v.paths().get(1).d());
    assertEquals("-2", v.lo());
    assertEquals("2", v.hi());
    assertEquals("10", v.peak());
  }

  @Test
  void emptyOrMalformedHistogramsDrawNothing() {
    assertTrue(Histograms.of(Histogram.empty(), "x", false).isEmpty());
    assertTrue(Histograms.of(null, "x", false).isEmpty());
    assertTrue(Histograms.of(new Histogram(List.of(0.0), List.of(1L)), "x", false).isEmpty());
  }

  @Test
  void binningCountsEveryValueOnce() {
    double[] values = {-5, -4.5, -3, -3, -1};
    Histogram h = Histograms.binned(values, 4);
    assertEquals(List.of(2L, 0L, 2L, 1L), h.counts());
    assertEquals(-5.0, h.edges().get(0));
    assertEquals(-1.0, h.edges().get(4));
    Histogram one = Histograms.binned(new double[] {2, 2}, 4);
    assertEquals(2L, one.counts().stream().mapToLong(Long::longValue).sum());
  }
}
