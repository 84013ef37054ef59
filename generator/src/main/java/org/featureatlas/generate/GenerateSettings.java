package org.featureatlas.generate;

import java.util.SortedMap;
import java.util.TreeMap;
import org.featureatlas.check.Check;

/**
 * The knobs that shape the numbers; all are recorded in the manifest.
 *
 * @param topK top examples per feature
 * @param windowLeft tokens shown before an example's position
 * @param windowRight tokens shown after it
 * @param nBins bins of the activation and logit histograms
 * @param nIntervals equal-width intervals of (0, max]
 * @param perInterval positions sampled per interval
 * @param nLogits entries in each logit table
 * @param nUnits entries in the alignment and correlation tables
 * @param hoverK log-prob changes shown each way per token
 */
public record GenerateSettings(int topK, int windowLeft, int windowRight, int nBins, int nIntervals,
    int perInterval, int nLogits, int nUnits, int hoverK) {

  public GenerateSettings {
    Check.positive(topK, "--top-k");
    Check.that(windowLeft >= 0 && windowRight >= 0, "window sizes must be non-negative");
    Check.positive(nBins, "histogram bins");
    Check.positive(nIntervals, "intervals");
    Check.positive(perInterval, "examples per interval");
  }

  public static GenerateSettings defaults() {
    return new GenerateSettings(20, 5, 5, 40, 10, 5, 10, 3, 5);
  }

  SortedMap<String, Object> asMap() {
    SortedMap<String, Object> m = new TreeMap<>();
    m.put("top_k", topK);
    m.put("window_left", windowLeft);
    m.put("window_right", windowRight);
    m.put("histogram_bins", nBins);
    m.put("intervals", nIntervals);
    m.put("examples_per_interval", perInterval);
    m.put("logit_table_size", nLogits);
    m.put("unit_table_size", nUnits);
    m.put("hover_k", hoverK);
    return m;
  }
}
