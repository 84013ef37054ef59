package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The feature's direct logit effect: 10 most positive, 10 most negative, and a histogram over the vocabulary. */
public record Logits(
    @JsonProperty(required = true) List<TokenValue> top, @JsonProperty(required = true) List<TokenValue> bottom,
    @JsonProperty(required = true) Histogram histogram) {}
