package org.featureatlas.site.archive;

import java.nio.file.Path;
import java.util.Locale;
import org.featureatlas.check.AtlasException;

/** The archive kinds, chosen by file name. */
public enum ArchiveFormat {
  TAR_GZ(".tar.gz"),
  ZIP(".zip");

  private final String extension;

  ArchiveFormat(String extension) {
    this.extension = extension;
  }

  public String extension() {
    return extension;
  }

  /** The format of {@code file} from its name ({@code .tar.gz}, {@code .tgz} or {@code .zip}). */
  public static ArchiveFormat of(Path file) {
    String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
    if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
      return TAR_GZ;
    }
    if (name.endsWith(".zip")) {
      return ZIP;
    }
    throw new AtlasException(file + ": unknown archive type; the name must end in .tar.gz, .tgz or .zip");
  }
}
