package org.featureatlas.site.preview;

import java.util.Map;
import java.util.Optional;

/** A site held in memory as relative path to bytes, as a renderer produces it. */
public final class MemorySource implements SiteSource {
  private final Map<String, byte[]> files;

  public MemorySource(Map<String, byte[]> files) {
    this.files = Map.copyOf(files);
  }

  @Override
  public Optional<byte[]> read(String path) {
    return Optional.ofNullable(files.get(path));
  }

  public int size() {
    return files.size();
  }
}
