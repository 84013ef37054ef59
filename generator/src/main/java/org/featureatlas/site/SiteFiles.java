package org.featureatlas.site;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.IoErrors;
import org.featureatlas.check.Check;

/**
 * The regular files under a directory, as safe '/'-separated relative paths sorted by
 * {@link String#compareTo} (UTF-16 code unit order; ties impossible, paths are unique).
 * The directory itself may be reached through a symbolic link; links inside it and other
 * non-regular files are refused: a site or data directory that is
 * archived or published must hold plain files only, so nothing outside it can leak in.
 */
public final class SiteFiles {
  private SiteFiles() {}

  public static List<String> list(Path dir) {
    Check.directory(dir);
    Path root;
    try {
      root = dir.toRealPath();
    } catch (IOException e) {
      throw new AtlasException(dir + ": cannot resolve (" + e.getMessage() + ")", e);
    }
    List<String> files = new ArrayList<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
          if (!d.equals(root) && attrs.isSymbolicLink()) {
            throw new AtlasException(d + ": is a symbolic link; only regular files and directories are allowed");
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (!attrs.isRegularFile()) {
            throw new AtlasException(file + ": is " + (attrs.isSymbolicLink() ? "a symbolic link" : "not a regular file")
                + "; only regular files and directories are allowed");
          }
          String rel = relative(root, file);
          Optional<String> problem = SafePath.problem(rel);
          if (problem.isPresent()) {
            throw new AtlasException(file + ": unusable file name (" + problem.get() + ")");
          }
          files.add(rel);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
          throw IoErrors.reading(file, exc);
        }
      });
    } catch (IOException e) {
      throw new AtlasException(dir + ": cannot list (" + e.getMessage() + ")", e);
    }
    files.sort(null);
    return files;
  }

  /** {@code file} relative to {@code root}, '/'-separated. */
  public static String relative(Path root, Path file) {
    StringBuilder sb = new StringBuilder();
    for (Path part : root.relativize(file)) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(part);
    }
    return sb.toString();
  }
}
