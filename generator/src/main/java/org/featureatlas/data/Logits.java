package org.featureatlas.data;

import java.util.List;

/** The feature's direct logit effect: 10 most positive, 10 most negative, and a histogram over the vocabulary. */
public record Logits(List<TokenValue> top, List<TokenValue> bottom, Histogram histogram) {}
