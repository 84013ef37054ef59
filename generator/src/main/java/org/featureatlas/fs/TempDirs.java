package org.featureatlas.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.featureatlas.check.AtlasException;

/**
 * The hidden working directories a command creates beside its output {@code out}:
 * {@code .<out>.<kind>-<pid>-<random>}, where kind is {@code tmp} (the output being written),
 * {@code work} (scratch files of a run) or {@code old} (the previous output, while it is replaced), and
 * pid is the process that made it.
 *
 * <p>They are removed when the command ends, also on SIGINT and SIGTERM (a shutdown hook deletes the ones
 * still alive). A SIGKILL cannot be caught: the next run over the same output removes the working
 * directories of {@code out} whose process is no longer running (or that this very process does not know,
 * when the pid has been reused). Directories of a running process, other names and other outputs are
 * left alone.
 */
public final class TempDirs {
  /** Directories of the output, readable by everyone like those of {@code mkdir} under umask 022. */
  static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

  /** Held while an output is swapped into place; the shutdown hook takes it too, so it never interrupts a swap. */
  static final Object SWAP = new Object();

  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
  private static boolean hooked;
  private static volatile boolean shuttingDown;

  private TempDirs() {}

  /**
   * Creates a working directory of kind {@code kind} beside {@code out} (mode 0755 on POSIX file systems),
   * after removing the stale ones of {@code out}; it is deleted on SIGINT/SIGTERM until {@link #delete}.
   */
  public static Path create(Path out, String kind) {
    Path abs = out.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null) {
      throw new AtlasException(out + ": is the root of the file system; choose a directory below it");
    }
    try {
      Files.createDirectories(parent);
      removeStale(abs);
      hook();
      Path dir = Files.createTempDirectory(parent, prefix(abs, kind));
      LIVE.add(dir);
      directoryMode(dir);
      return dir;
    } catch (IOException e) {
      throw new AtlasException(out + ": cannot create a working directory beside it (" + e.getMessage() + ")", e);
    }
  }

  /** Deletes a working directory made by {@link #create} and forgets it. */
  public static void delete(Path dir) {
    try {
      AtomicDirectory.deleteTree(dir);
    } finally {
      LIVE.remove(dir);
    }
  }

  /** Stops deleting {@code dir} on shutdown (it has been renamed into place). */
  static void forget(Path dir) {
    LIVE.remove(dir);
  }

  /** True once the JVM has started shutting down: an output must then no longer be swapped into place. */
  static boolean shuttingDown() {
    return shuttingDown;
  }

  static String prefix(Path out, String kind) {
    return "." + out.getFileName() + "." + kind + "-" + ProcessHandle.current().pid() + "-";
  }

  /**
   * Removes the working directories of {@code out} left by processes that are gone: every
   * {@code .<out>.(tmp|work|old)-<pid>-<digits>} directory whose pid is not a running process, or is this
   * process but not one of its live directories. Returns how many it removed.
   */
  public static int removeStale(Path out) {
    Path abs = out.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return 0;
    }
    Pattern owned = Pattern.compile("\\." + Pattern.quote(abs.getFileName().toString()) + "\\.(?:tmp|work|old)-(\\d{1,18})-\\d+");
    long self = ProcessHandle.current().pid();
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
      for (Path entry : entries) {
        Matcher m = owned.matcher(entry.getFileName().toString());
        if (!m.matches() || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        long pid = Long.parseLong(m.group(1));
        boolean stale = pid == self ? !LIVE.contains(entry) : ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        if (stale) {
          AtomicDirectory.deleteTree(entry);
          removed++;
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new AtlasException(parent + ": cannot remove stale working directories of " + abs.getFileName()
          + " (" + e.getMessage() + ")", e);
    }
    return removed;
  }

  /** Sets mode 0755 on a directory the command created; a no-op on file systems without POSIX modes. */
  static void directoryMode(Path dir) throws IOException {
    try {
      Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep its default permissions
    }
  }

  private static synchronized void hook() {
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(new Thread(TempDirs::deleteLive, "atlas-remove-working-directories"));
      hooked = true;
    }
  }

  /** The shutdown hook: waits for a swap in progress, then deletes every live working directory. */
  static void deleteLive() {
    synchronized (SWAP) {
      shuttingDown = true;
    }
    for (Path dir : List.copyOf(LIVE)) {
      // The interrupted command may still be writing; a file it adds meanwhile makes one pass fail.
      for (int attempt = 0; attempt < 3 && Files.exists(dir, LinkOption.NOFOLLOW_LINKS); attempt++) {
        try {
          AtomicDirectory.deleteTree(dir);
        } catch (RuntimeException e) {
          // try again; whatever survives is stale for the next run over the same output
        }
      }
      LIVE.remove(dir);
    }
  }
}
