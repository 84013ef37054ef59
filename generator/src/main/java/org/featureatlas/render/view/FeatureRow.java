package org.featureatlas.render.view;

/** A row of the index table; {@code explanation} is empty when the feature has none. */
public record FeatureRow(int index, String density, String maxAct, String topTokens, String topLogits, boolean dead,
    String explanation) {}
