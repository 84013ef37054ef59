package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.featureatlas.fs.AtomicDirectory;
import org.junit.jupiter.api.Test;

/**
 * The tiny fixture's generated files (everything but the copied static/ assets) must equal the golden
 * files byte for byte. Regenerate after an intended change with {@code -Datlas.updateGolden=true} and
 * review the diff.
 */
class GoldenFilesTest {
  static final Path GOLDEN = RenderOptions.atlasHome().resolve("generator/src/test/resources/golden/tiny");

  @Test
  void tinyFixtureMatchesGoldenFiles() throws IOException {
    SortedMap<String, byte[]> site = new java.util.TreeMap<>(SiteFiles.render(RenderOptions.defaults(Fixtures.tiny()), 2));
    site.keySet().removeIf(p -> p.startsWith("static/"));
    if (Boolean.getBoolean("atlas.updateGolden")) {
      AtomicDirectory.deleteTree(GOLDEN);
      for (var e : site.entrySet()) {
        Path file = GOLDEN.resolve(e.getKey());
        Files.createDirectories(file.getParent());
        Files.write(file, e.getValue());
      }
    }
    TreeSet<String> golden = new TreeSet<>();
    try (Stream<Path> s = Files.walk(GOLDEN)) {
      s.filter(Files::isRegularFile).forEach(p -> golden.add(GOLDEN.relativize(p).toString().replace('\\', '/')));
    }
    assertEquals(golden, new TreeSet<>(site.keySet()), "the set of generated files");
    assertTrue(golden.size() > 10);
    for (String path : golden) {
      String expected = Files.readString(GOLDEN.resolve(path), StandardCharsets.UTF_8);
      String actual = new String(site.get(path), StandardCharsets.UTF_8);
      assertEquals(expected, actual, path + " differs from its golden file");
    }
  }
}
