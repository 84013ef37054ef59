package org.featureatlas.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.featureatlas.check.AtlasException;

/**
 * Writes a directory under a temporary sibling name and renames it into place on {@link #commit()}.
 * Closing without committing deletes the temporary directory, so a failed run leaves nothing behind.
 * An existing target is replaced only at commit.
 */
public final class AtomicDirectory implements AutoCloseable {
  private final Path target;
  private final Path temp;
  private boolean committed;

  private AtomicDirectory(Path target, Path temp) {
    this.target = target;
    this.temp = temp;
  }

  public static AtomicDirectory create(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    try {
      Path parent = abs.getParent();
      Files.createDirectories(parent);
      Path temp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".tmp-");
      return new AtomicDirectory(abs, temp);
    } catch (IOException e) {
      throw new AtlasException(target + ": cannot create output directory (" + e.getMessage() + ")", e);
    }
  }

  /** The temporary directory to write into. */
  public Path path() {
    return temp;
  }

  public Path target() {
    return target;
  }

  /** Moves the finished directory into place, replacing any previous one. */
  public void commit() {
    try {
      if (Files.exists(target)) {
        Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
        Files.delete(old);
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        move(temp, target);
        deleteTree(old);
      } else {
        move(temp, target);
      }
      committed = true;
    } catch (IOException e) {
      throw new AtlasException(target + ": cannot move finished output into place (" + e.getMessage() + ")", e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  @Override
  public void close() {
    if (!committed) {
      deleteTree(temp);
    }
  }

  /** Deletes a file tree if it exists. */
  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
