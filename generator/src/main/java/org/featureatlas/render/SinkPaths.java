package org.featureatlas.render;

/** The one rule for site paths: relative, '/'-separated, no empty, "." or ".." segments. */
final class SinkPaths {
  private SinkPaths() {}

  static String check(String path) {
    if (path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("\\")) {
      throw new IllegalArgumentException("bad site path: " + path);
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("bad site path: " + path);
      }
    }
    return path;
  }
}
