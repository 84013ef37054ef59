package org.featureatlas.render;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps the site in memory (tests, the preview server). */
public final class MemorySink implements SiteSink {
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();

  @Override
  public void put(String path, byte[] content) {
    SinkPaths.check(path);
    if (files.putIfAbsent(path, content.clone()) != null) {
      throw new IllegalStateException("site file written twice: " + path);
    }
  }

  /** Every file, sorted by path. The arrays are the sink's own: do not change them. */
  public SortedMap<String, byte[]> files() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(files));
  }
}
