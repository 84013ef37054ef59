package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/** A histogram: {@code edges} has one more entry than {@code counts}. Empty lists when there is no data. */
public record Histogram(@JsonProperty(required = true) List<Double> edges, @JsonProperty(required = true) List<Long> counts) {
  public static Histogram empty() {
    return new Histogram(List.of(), List.of());
  }

  @JsonIgnore
  public boolean isEmpty() {
    return counts.isEmpty();
  }
}
