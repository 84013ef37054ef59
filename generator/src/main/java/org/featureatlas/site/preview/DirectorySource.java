package org.featureatlas.site.preview;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.site.SafePath;

/**
 * A site on disk, read on every request. A path is served only if its real path (symbolic links
 * resolved) is a regular file under the real path of the site root, so a link that leads out of
 * the site is never followed.
 */
public final class DirectorySource implements SiteSource {
  private final Path realRoot;

  public DirectorySource(Path root) {
    Check.directory(root);
    try {
      this.realRoot = root.toRealPath();
    } catch (IOException e) {
      throw new AtlasException(root + ": cannot resolve (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public Optional<byte[]> read(String path) {
    if (!SafePath.isSafe(path)) {
      return Optional.empty();
    }
    try {
      Path real = SafePath.resolve(realRoot, path).toRealPath();
      if (!real.startsWith(realRoot) || !Files.isRegularFile(real)) {
        return Optional.empty();
      }
      return Optional.of(Files.readAllBytes(real));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
