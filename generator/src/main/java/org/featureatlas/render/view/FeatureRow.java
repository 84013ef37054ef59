package org.featureatlas.render.view;

/** A row of the index table. */
public record FeatureRow(int index, String density, String maxAct, String topTokens, String topLogits, boolean dead) {}
