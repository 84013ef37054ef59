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
 * the site is never followed. Hidden files are never served: neither the requested path nor the real
 * path under the root may have a segment that starts with a dot, so a link to {@code .git/config}
 * inside the site is refused too.
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
    if (!SafePath.isSafe(path) || RequestPath.hasDotSegment(path)) {
      return Optional.empty();
    }
    try {
      Path real = SafePath.resolve(realRoot, path).toRealPath();
      if (!real.startsWith(realRoot) || real.equals(realRoot) || !Files.isRegularFile(real)
          || hidden(realRoot.relativize(real))) {
        return Optional.empty();
      }
      return Optional.of(Files.readAllBytes(real));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean hidden(Path relative) {
    for (Path name : relative) {
      if (name.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
