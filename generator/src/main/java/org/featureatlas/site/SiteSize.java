package org.featureatlas.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.featureatlas.check.IoErrors;

/** The bytes and file count of a built site (every regular file under it, {@link SiteFiles#list}). */
public record SiteSize(long bytes, int files) {
  /** GitHub Pages' limit on a published site: 1 GB. */
  public static final long GITHUB_PAGES_LIMIT = 1_000_000_000L;

  public static SiteSize of(Path site) {
    return of(site, SiteFiles.list(site));
  }

  public static SiteSize of(Path site, List<String> files) {
    long bytes = 0;
    for (String f : files) {
      Path p = site.resolve(f);
      try {
        bytes += Files.size(p);
      } catch (IOException e) {
        throw IoErrors.reading(p, e);
      }
    }
    return new SiteSize(bytes, files.size());
  }

  /** "812.4 MB in 131,090 files". */
  public String describe() {
    return String.format(Locale.ROOT, "%.1f MB in %,d files", bytes / 1e6, files);
  }
}
