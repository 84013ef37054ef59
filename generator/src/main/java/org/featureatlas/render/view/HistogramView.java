package org.featureatlas.render.view;

import java.util.List;

/**
 * An SVG histogram: its accessible label, axis labels (lowest edge, highest edge, tallest count),
 * the number of drawn (non-empty) bars, and their paths by class. {@code paths} is empty when there
 * is no data.
 */
public record HistogramView(String label, String lo, String hi, String peak, int barCount, List<BarPath> paths) {
  public boolean isEmpty() {
    return paths.isEmpty();
  }
}
