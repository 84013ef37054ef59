package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One of the ten equal-width activation intervals {@code (lo, hi]}. */
public record Interval(
    @JsonProperty(required = true) double lo,
    @JsonProperty(required = true) double hi,
    @JsonProperty(required = true) double fraction,
    @JsonProperty(required = true) List<Example> examples) {}
