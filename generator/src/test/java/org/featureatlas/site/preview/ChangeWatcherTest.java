package org.featureatlas.site.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeWatcherTest {
  @TempDir
  Path tmp;

  @Test
  void aBurstOfChangesGivesOneCallAndNewSubdirectoriesAreWatched() throws Exception {
    Path templates = Files.createDirectories(tmp.resolve("templates"));
    AtomicInteger calls = new AtomicInteger();
    Semaphore called = new Semaphore(0);
    try (ChangeWatcher w = ChangeWatcher.start(List.of(templates), 300, () -> {
      calls.incrementAndGet();
      called.release();
    })) {
      for (int i = 0; i < 5; i++) {
        Files.writeString(templates.resolve("page.peb"), "v" + i);
      }
      assertTrue(called.tryAcquire(10, TimeUnit.SECONDS));
      assertEquals(1, calls.get(), "one call per burst");

      Path sub = Files.createDirectories(templates.resolve("partials/deep"));
      assertTrue(called.tryAcquire(10, TimeUnit.SECONDS), "creating a subdirectory is a change");
      Thread.sleep(300);
      Files.writeString(sub.resolve("x.peb"), "x");
      assertTrue(called.tryAcquire(10, TimeUnit.SECONDS), "a file in a new subdirectory is watched");
    }
  }

  @Test
  void aRootCreatedLaterIsWatchedAndItsParentsOtherFilesAreIgnored() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path notes = data.resolve("notes");
    Semaphore called = new Semaphore(0);
    try (ChangeWatcher w = ChangeWatcher.start(List.of(notes), 100, called::release)) {
      Files.writeString(data.resolve("manifest.json"), "{}");
      assertTrue(!called.tryAcquire(1, TimeUnit.SECONDS), "a change beside the notes directory is not a notes change");
      Files.createDirectories(notes);
      assertTrue(called.tryAcquire(10, TimeUnit.SECONDS), "the notes directory appearing is a change");
      Thread.sleep(300);
      Files.writeString(notes.resolve("12.md"), "# Feature 12");
      assertTrue(called.tryAcquire(10, TimeUnit.SECONDS), "a note in the new directory is a change");
    }
  }

  @Test
  void aFileRootIsWatchedForItselfOnly() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("somewhere"));
    Path csv = Files.writeString(dir.resolve("explanations.csv"), "1,first\n");
    Semaphore called = new Semaphore(0);
    try (ChangeWatcher w = ChangeWatcher.start(List.of(csv), 100, called::release)) {
      Files.writeString(dir.resolve("other.csv"), "2,not watched\n");
      assertTrue(!called.tryAcquire(1, TimeUnit.SECONDS), "a file beside the watched one is not a change");
      Files.writeString(csv, "1,edited in place\n");
      assertTrue(called.tryAcquire(10, TimeUnit.SECONDS), "editing the file in place is a change");
      Thread.sleep(300);
      Files.delete(csv);
      assertTrue(called.tryAcquire(10, TimeUnit.SECONDS), "removing it is a change");
      Thread.sleep(300);
      Files.writeString(csv, "1,back\n");
      assertTrue(called.tryAcquire(10, TimeUnit.SECONDS), "creating it again is a change");
    }
  }
}
