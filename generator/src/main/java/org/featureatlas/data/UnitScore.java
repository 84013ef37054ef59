package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A unit (neuron, residual dimension or encoder-B feature) with two scores; serialised as
 * {@code [unit, a, b]}: (value, l1_fraction) for neuron alignment, (pearson, cosine) for correlations.
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"unit", "a", "b"})
public record UnitScore(@JsonProperty(required = true) int unit, @JsonProperty(required = true) double a, @JsonProperty(required = true) double b) {
  @JsonCreator
  public UnitScore {}
}
