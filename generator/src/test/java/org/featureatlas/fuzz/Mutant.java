package org.featureatlas.fuzz;

/** Mutated bytes and a short description of what was done to them (for failure reports). */
record Mutant(byte[] bytes, String description) {}
