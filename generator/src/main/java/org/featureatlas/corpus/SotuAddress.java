package org.featureatlas.corpus;

/** One State of the Union address: its year, president, party, source file name and text. */
public record SotuAddress(int year, String president, String party, String file, String text) {}
