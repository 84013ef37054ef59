package org.featureatlas.render.view;

/** A row of a {@link ScoreTable}. */
public record ScoreRow(String unit, String a, String b) {}
