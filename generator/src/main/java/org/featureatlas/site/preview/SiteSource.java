package org.featureatlas.site.preview;

import java.util.Optional;

/** Where the preview server reads a site's files from. */
public interface SiteSource {
  /**
   * The bytes of the regular file at {@code path} (relative, '/'-separated, already checked with
   * {@link org.featureatlas.site.SafePath}), or empty when there is none. Never a directory.
   */
  Optional<byte[]> read(String path);
}
