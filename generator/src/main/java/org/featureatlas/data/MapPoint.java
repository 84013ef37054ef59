package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One feature's place on the feature map, serialised as {@code [feature, x, y]}. */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"feature", "x", "y"})
public record MapPoint(@JsonProperty(required = true) int feature, @JsonProperty(required = true) double x,
    @JsonProperty(required = true) double y) {
  @JsonCreator
  public MapPoint {}
}
