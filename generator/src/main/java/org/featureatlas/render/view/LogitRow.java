package org.featureatlas.render.view;

/** A token with its logit effect and background class (shade by |value| relative to the largest). */
public record LogitRow(String token, String value, String cls) {}
