package org.featureatlas.site.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.featureatlas.site.FakeData;
import org.featureatlas.site.FakeSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code archive extract} gives every directory it creates mode 0755, like {@code render}. */
class ExtractModesTest {
  @TempDir
  Path tmp;

  @Test
  void extractedDirectoriesAreReadableByEveryone() throws Exception {
    Path file = tmp.resolve("atlas.tar.gz");
    ArchiveWriter.write(FakeData.write(tmp.resolve("in/data")), FakeSite.write(tmp.resolve("in/site")), file);
    Path out = ArchiveExtractor.extract(file, tmp.resolve("out")).dir();
    try (Stream<Path> s = Files.walk(out)) {
      List<Path> dirs = s.filter(Files::isDirectory).toList();
      assertTrue(dirs.size() >= 4, "expected the root, data/, data/features/ and site/: " + dirs);
      for (Path dir : dirs) {
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), dir.toString());
      }
    }
  }
}
