package org.featureatlas.data;

import java.util.SortedMap;

/** What an input was: a display name and the sha256 of each of its files (sorted by file name). */
public record Identity(String name, SortedMap<String, String> sha256) {}
