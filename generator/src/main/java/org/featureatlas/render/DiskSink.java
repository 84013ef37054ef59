package org.featureatlas.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.featureatlas.check.AtlasException;
import org.featureatlas.fs.AtomicDirectory;

/**
 * Writes the site into a temporary sibling of the target directory; {@link #commit()} renames it into
 * place. Closing without committing removes the partial site, so a failed render leaves the old site.
 */
public final class DiskSink implements SiteSink, AutoCloseable {
  private final AtomicDirectory dir;

  private DiskSink(AtomicDirectory dir) {
    this.dir = dir;
  }

  /** Starts a site that will replace {@code target}; the site's directories are world-readable (0755). */
  public static DiskSink open(Path target) {
    AtomicDirectory dir = AtomicDirectory.create(target);
    try {
      Files.setPosixFilePermissions(dir.path(), PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: keep the default permissions
    }
    return new DiskSink(dir);
  }

  @Override
  public void put(String path, byte[] content) {
    Path file = dir.path().resolve(SinkPaths.check(path));
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new AtlasException(file + ": cannot write (" + e.getMessage() + ")", e);
    }
  }

  /** The final directory. */
  public Path target() {
    return dir.target();
  }

  public void commit() {
    dir.commit();
  }

  @Override
  public void close() {
    dir.close();
  }
}
