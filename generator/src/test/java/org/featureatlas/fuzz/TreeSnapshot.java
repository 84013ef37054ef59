package org.featureatlas.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every entry under a directory, except one excluded subtree: its kind, and for files the size and
 * modification time. Two snapshots differ when anything was created, deleted, resized or rewritten.
 */
final class TreeSnapshot {
  private final Map<String, String> entries;

  private TreeSnapshot(Map<String, String> entries) {
    this.entries = entries;
  }

  static TreeSnapshot of(Path root, Path excluded) {
    Map<String, String> entries = new TreeMap<>();
    Path skip = excluded.toAbsolutePath().normalize();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (dir.toAbsolutePath().normalize().equals(skip)) return FileVisitResult.SKIP_SUBTREE;
          entries.put(root.relativize(dir) + "/", "dir");
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (file.toAbsolutePath().normalize().equals(skip)) return FileVisitResult.CONTINUE;
          String kind = attrs.isSymbolicLink() ? "link" : attrs.isRegularFile() ? "file" : "other";
          entries.put(root.relativize(file).toString(), kind + " " + attrs.size() + " " + attrs.lastModifiedTime().toMillis()
              + "/" + attrs.lastModifiedTime().toInstant().getNano());
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          entries.put(root.relativize(file).toString(), "unreadable " + e.getClass().getSimpleName());
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TreeSnapshot(entries);
  }

  /** What changed from {@code before} to this snapshot, at most a few entries, or an empty list. */
  List<String> changesSince(TreeSnapshot before) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : entries.entrySet()) {
      String old = before.entries.get(e.getKey());
      if (old == null) out.add("created " + e.getKey());
      else if (!old.equals(e.getValue())) out.add("changed " + e.getKey());
    }
    for (String k : before.entries.keySet()) {
      if (!entries.containsKey(k)) out.add("deleted " + k);
    }
    return out.size() > 5 ? out.subList(0, 5) : out;
  }
}
