package org.featureatlas.render.view;

/** The bars of one class of an SVG histogram as one path ({@code d} in viewBox coordinates). */
public record BarPath(String cls, String d) {}
