package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A token id with a value; serialised as the pair {@code [token_id, value]}. */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"token", "value"})
public record TokenValue(@JsonProperty(required = true) int token, @JsonProperty(required = true) double value) {
  @JsonCreator
  public TokenValue {}
}
