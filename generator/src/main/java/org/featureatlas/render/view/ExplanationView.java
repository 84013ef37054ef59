package org.featureatlas.render.view;

/**
 * An explanation on a feature page: its shown text and, when the source says, the method and model that wrote it
 * ({@code by}, e.g. "oai_token-act-pair · gpt-4o-mini"; empty when unknown).
 */
public record ExplanationView(String text, String by) {}
