package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkTest {
  @Test
  void memorySinkListsFilesSortedAndRefusesDuplicatesAndEscapes() {
    MemorySink m = new MemorySink();
    m.put("b.html", "b");
    m.put("a/z.json", "z");
    m.put(".nojekyll", new byte[0]);
    assertEquals(List.of(".nojekyll", "a/z.json", "b.html"), List.copyOf(m.files().keySet()));
    assertThrows(IllegalStateException.class, () -> m.put("b.html", "again"));
    for (String bad : List.of("/abs", "../up", "a/../b", "a//b", "", "dir/")) {
      assertThrows(IllegalArgumentException.class, () -> m.put(bad, "x"), bad);
    }
  }

  @Test
  void diskSinkReplacesTheOldSiteOnlyOnCommit(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("site");
    Files.createDirectories(out);
    Files.writeString(out.resolve("old.html"), "old");
    try (DiskSink sink = DiskSink.open(out)) {
      sink.put("features/1.html", "one");
      assertTrue(Files.exists(out.resolve("old.html")), "old site stays until commit");
    }
    assertTrue(Files.exists(out.resolve("old.html")), "an uncommitted render leaves the old site");
    try (Stream s = new Stream(tmp)) {
      assertEquals(1, s.count(), "no temporary directory is left behind");
    }
    try (DiskSink sink = DiskSink.open(out)) {
      sink.put("features/1.html", "one");
      sink.commit();
    }
    assertFalse(Files.exists(out.resolve("old.html")));
    assertArrayEquals("one".getBytes(), Files.readAllBytes(out.resolve("features/1.html")));
  }

  @Test
  void aFailedRenderLeavesTheOldSite(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("site");
    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.html"), "keep");
    RenderOptions opts = RenderOptions.defaults(tmp.resolve("no-data"));
    try (DiskSink sink = DiskSink.open(out)) {
      assertThrows(AtlasException.class, () -> SiteRenderer.render(opts, sink));
    }
    assertEquals("keep", Files.readString(out.resolve("keep.html")));
  }

  /** Counts the entries of a directory. */
  private static final class Stream implements AutoCloseable {
    private final java.util.stream.Stream<Path> s;

    Stream(Path dir) throws java.io.IOException {
      s = Files.list(dir);
    }

    long count() {
      return s.count();
    }

    @Override
    public void close() {
      s.close();
    }
  }
}
