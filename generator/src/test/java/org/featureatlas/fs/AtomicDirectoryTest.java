package org.featureatlas.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {
  @TempDir
  Path tmp;

  List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void writesUnderAPidNamedSiblingAndCommitsWithMode0755() throws Exception {
    Path target = tmp.resolve("out");
    try (AtomicDirectory dir = AtomicDirectory.create(target)) {
      assertTrue(dir.path().getFileName().toString().matches("\\.out\\.tmp-" + ProcessHandle.current().pid() + "-\\d+"),
          dir.path().toString());
      Files.createDirectory(dir.path().resolve("private"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.writeString(dir.path().resolve("private/a.txt"), "a");
      dir.commit();
    }
    assertEquals(List.of("out"), names(tmp));
    assertEquals("rwxr-xr-x", mode(target));
    assertEquals("rwxr-xr-x", mode(target.resolve("private")));
  }

  @Test
  void anUncommittedDirectoryLeavesNothing() throws Exception {
    try (AtomicDirectory dir = AtomicDirectory.create(tmp.resolve("out"))) {
      Files.writeString(dir.path().resolve("half.txt"), "half");
    }
    assertEquals(List.of(), names(tmp));
  }

  @Test
  void keepsTheNamedEntriesOfThePreviousOutput() throws Exception {
    Path target = tmp.resolve("out");
    Files.createDirectories(target.resolve("notes/drafts"));
    Files.writeString(target.resolve("notes/a.md"), "mine");
    Files.writeString(target.resolve("notes/drafts/b.md"), "mine too");
    Files.writeString(target.resolve("old.txt"), "stale");
    Files.writeString(target.resolve("CNAME"), "old.example.org");
    try (AtomicDirectory dir = AtomicDirectory.create(tmp.resolve("out")).keep("notes", "CNAME", "missing")) {
      Files.writeString(dir.path().resolve("CNAME"), "new.example.org");
      dir.commit();
    }
    Path out = tmp.resolve("out");
    assertEquals(List.of("CNAME", "notes"), names(out));
    assertEquals("mine", Files.readString(out.resolve("notes/a.md")));
    assertEquals("mine too", Files.readString(out.resolve("notes/drafts/b.md")));
    assertEquals("new.example.org", Files.readString(out.resolve("CNAME")), "the new output's own entry wins");
    assertEquals(List.of("out"), names(tmp));
  }

  @Test
  void removesOnlyTheStaleWorkingDirectoriesOfItsTarget() throws Exception {
    long dead = 999_999_999L; // above any Linux pid_max
    long self = ProcessHandle.current().pid();
    Process sleeper = new ProcessBuilder("sleep", "300").start();
    try {
      List<String> stale = List.of(".out.tmp-" + dead + "-1", ".out.work-" + dead + "-2", ".out.old-" + dead + "-3",
          ".out.tmp-" + self + "-4");
      List<String> kept = List.of(".out.tmp-" + sleeper.pid() + "-5", ".other.tmp-" + dead + "-6", ".out.tmp-7",
          ".out.tmp-" + dead + "-x", ".out.d.tmp-" + dead + "-8", ".out.backup");
      for (String name : stale) Files.writeString(Files.createDirectories(tmp.resolve(name)).resolve("f"), "x");
      for (String name : kept) Files.writeString(Files.createDirectories(tmp.resolve(name)).resolve("f"), "x");
      Files.writeString(tmp.resolve(".out.work-" + dead + "-9"), "a file, not a directory: not ours");
      assertEquals(4, TempDirs.removeStale(tmp.resolve("out")));
      List<String> left = new java.util.ArrayList<>(kept);
      left.add(".out.work-" + dead + "-9");
      assertEquals(left.stream().sorted().toList(), names(tmp));
      try (AtomicDirectory live = AtomicDirectory.create(tmp.resolve("out"))) {
        assertEquals(0, TempDirs.removeStale(tmp.resolve("out")), "its own live directory is not stale");
        assertTrue(Files.isDirectory(live.path()));
      }
    } finally {
      sleeper.destroy();
      sleeper.waitFor();
    }
  }
}
