package org.featureatlas.render.view;

/** One token of an example window: its shown text and its CSS classes (shade, underline, centre). */
public record TokenCell(String text, String cls) {}
