package org.featureatlas.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.check.AtlasException;

/**
 * Writes a directory under a temporary sibling name ({@link TempDirs}: {@code .<name>.tmp-<pid>-<n>}) and
 * renames it into place on {@link #commit()}. Closing without committing deletes the temporary directory,
 * so a failed run leaves nothing behind; so does SIGINT or SIGTERM. An existing target is replaced only at
 * commit, and the entries named by {@link #keep} are copied over from it. The output's directories get
 * mode 0755 (rwxr-xr-x) on POSIX file systems.
 */
public final class AtomicDirectory implements AutoCloseable {
  private final Path target;
  private final Path temp;
  private final List<String> kept = new ArrayList<>();
  private boolean committed;

  private AtomicDirectory(Path target, Path temp) {
    this.target = target;
    this.temp = temp;
  }

  /** Starts a directory that will replace {@code target}; stale temporary siblings of it are removed first. */
  public static AtomicDirectory create(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    return new AtomicDirectory(abs, TempDirs.create(abs, "tmp"));
  }

  /**
   * Carries the entries {@code names} (files or directories, e.g. people's notes) of the directory being
   * replaced over to the new one at commit, unless the new one has them already.
   */
  public AtomicDirectory keep(String... names) {
    kept.addAll(List.of(names));
    return this;
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
    Path old = null;
    boolean movedAway = false;
    try {
      copyKept();
      directoryModes(temp);
      boolean replace = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
      if (replace) {
        old = TempDirs.create(target, "old");
        Files.delete(old);
      }
      synchronized (TempDirs.SWAP) {
        if (TempDirs.shuttingDown() || !Files.isDirectory(temp, LinkOption.NOFOLLOW_LINKS)) {
          throw new AtlasException(target + ": interrupted; the previous output is left as it was");
        }
        if (replace) {
          Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
          movedAway = true;
        }
        move(temp, target);
        committed = true;
        TempDirs.forget(temp);
      }
    } catch (IOException e) {
      throw new AtlasException(target + ": cannot move finished output into place (" + e.getMessage() + ")", e);
    } finally {
      if (movedAway && !committed) {
        restore(old);
      } else if (old != null) {
        TempDirs.delete(old);
      }
    }
  }

  /** Puts the previous output back after a failed swap. */
  private void restore(Path old) {
    try {
      Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      TempDirs.forget(old);
    } catch (IOException e) {
      TempDirs.forget(old); // never delete the only copy of the previous output
      throw new AtlasException(target + ": the previous output is left in " + old + " (" + e.getMessage() + ")", e);
    }
  }

  private void copyKept() throws IOException {
    if (kept.isEmpty() || !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    for (String name : kept) {
      Path from = target.resolve(name);
      Path to = temp.resolve(name);
      if (Files.exists(from, LinkOption.NOFOLLOW_LINKS) && !Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
        copyTree(from, to);
      }
    }
  }

  /** Copies a file tree; symbolic links are copied as links, never followed. */
  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.createDirectory(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()), LinkOption.NOFOLLOW_LINKS);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Gives every directory of the finished output mode 0755, whatever the umask or temp-directory default. */
  private static void directoryModes(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        TempDirs.directoryMode(dir);
        return FileVisitResult.CONTINUE;
      }
    });
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
      TempDirs.delete(temp);
    }
  }

  /** Deletes a file tree if it exists; a symbolic link is deleted, never followed. */
  public static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
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
