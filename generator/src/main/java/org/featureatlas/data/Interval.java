package org.featureatlas.data;

import java.util.List;

/** One of the ten equal-width activation intervals {@code (lo, hi]}. */
public record Interval(double lo, double hi, double fraction, List<Example> examples) {}
