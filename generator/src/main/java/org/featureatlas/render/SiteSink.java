package org.featureatlas.render;

import java.nio.charset.StandardCharsets;

/**
 * Where the site's files go. Paths are relative, '/'-separated ("features/17.html"). Implementations
 * must accept calls from several threads at once; each path is written at most once per render.
 */
public interface SiteSink {
  void put(String path, byte[] content);

  default void put(String path, String text) {
    put(path, text.getBytes(StandardCharsets.UTF_8));
  }
}
