package org.featureatlas.render;

import java.util.ArrayList;
import java.util.List;
import org.featureatlas.data.Histogram;
import java.util.Map;
import java.util.TreeMap;
import org.featureatlas.render.view.BarPath;
import org.featureatlas.render.view.HistogramView;

/** Turns histogram data into SVG bar geometry (viewBox {@value #WIDTH} × {@value #HEIGHT}). */
final class Histograms {
  static final double WIDTH = 300;
  static final double HEIGHT = 80;

  private Histograms() {}

  /**
   * Bars for {@code h}, one path per class (sorted), each bar drawn up, across and down from the baseline
   * and reached from the previous bar's end by a relative move. With {@code signed}, a bar whose centre is below zero
   * has class "n", else "p"; otherwise every bar has class "b". Empty bins draw nothing.
   */
  static HistogramView of(Histogram h, String label, boolean signed) {
    if (h == null || h.isEmpty() || h.edges().size() != h.counts().size() + 1) {
      return new HistogramView(label, "", "", "0", 0, List.of());
    }
    List<Long> counts = h.counts();
    long peak = counts.stream().mapToLong(Long::longValue).max().orElse(0);
    Map<String, StringBuilder> paths = new TreeMap<>();
    Map<String, Double> penX = new TreeMap<>();
    int n = counts.size();
    double w = WIDTH / n;
    double barWidth = Math.max(w - 1, 0.5);
    int drawn = 0;
    for (int i = 0; i < n; i++) {
      long c = counts.get(i);
      if (c <= 0 || peak <= 0) {
        continue;
      }
      drawn++;
      double height = Math.max(1.0, HEIGHT * c / peak);
      double centre = (h.edges().get(i) + h.edges().get(i + 1)) / 2;
      String cls = signed ? (centre < 0 ? "n" : "p") : "b";
      StringBuilder d = paths.computeIfAbsent(cls, k -> new StringBuilder());
      double x = i * w;
      Double pen = penX.get(cls);
      if (pen == null) {
        d.append('M').append(Num.coord(x)).append(' ').append(Num.coord(HEIGHT));
      } else {
        d.append('m').append(Num.coord(x - pen)).append(" 0");
      }
      d.append('v').append(Num.coord(-height)).append('h').append(Num.coord(barWidth)).append('v').append(Num.coord(height));
      penX.put(cls, x + barWidth);
    }
    List<BarPath> out = new ArrayList<>();
    paths.forEach((cls, d) -> out.add(new BarPath(cls, d.toString())));
    return new HistogramView(label, Num.sig(h.edges().get(0), 3), Num.sig(h.edges().get(n), 3), Long.toString(peak),
        drawn, out);
  }

  /** A {@code bins}-bin histogram of {@code values} over [min, max] (a unit range around a single value). */
  static Histogram binned(double[] values, int bins) {
    if (values.length == 0) {
      return Histogram.empty();
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (hi - lo < 1e-12) {
      lo -= 0.5;
      hi += 0.5;
    }
    long[] counts = new long[bins];
    for (double v : values) {
      int b = (int) Math.floor((v - lo) / (hi - lo) * bins);
      counts[Math.min(Math.max(b, 0), bins - 1)]++;
    }
    List<Double> edges = new ArrayList<>(bins + 1);
    for (int i = 0; i <= bins; i++) {
      edges.add(lo + (hi - lo) * i / bins);
    }
    List<Long> c = new ArrayList<>(bins);
    for (long x : counts) {
      c.add(x);
    }
    return new Histogram(edges, c);
  }
}
