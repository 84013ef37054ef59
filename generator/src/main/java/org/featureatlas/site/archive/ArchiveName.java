package org.featureatlas.site.archive;

import org.featureatlas.data.Manifest;

/** The default archive name, {@code <model>-<sae>-<hook>.tar.gz}, from a data manifest. */
public final class ArchiveName {
  private static final int MAX_PART = 80;

  private ArchiveName() {}

  public static String of(Manifest manifest, ArchiveFormat format) {
    return part(manifest.model() == null ? null : manifest.model().name()) + "-"
        + part(manifest.sae() == null ? null : manifest.sae().name()) + "-"
        + part(manifest.hook()) + format.extension();
  }

  /**
   * A file-name-safe form of a name: runs of characters other than ASCII letters, digits, '.', '_'
   * and '-' become one '_', as do runs of dots; leading dots and separators are dropped, at most {@value #MAX_PART} chars.
   */
  static String part(String name) {
    String s = name == null ? "" : name.trim();
    s = s.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("\\.{2,}", "_").replaceAll("_+", "_")
        .replaceAll("^[._-]+", "").replaceAll("[._-]+$", "");
    if (s.length() > MAX_PART) {
      s = s.substring(0, MAX_PART);
    }
    return s.isEmpty() ? "unknown" : s;
  }
}
