package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A feature with the cosine similarity of its decoder direction to another feature's; serialised as the pair
 * {@code [feature, cosine]} (the similar-features tables of a record).
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"feature", "cosine"})
public record FeatureCosine(@JsonProperty(required = true) int feature, @JsonProperty(required = true) double cosine) {
  @JsonCreator
  public FeatureCosine {}
}
