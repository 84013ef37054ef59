package org.featureatlas.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.check.AtlasException;
import org.featureatlas.render.synthetic.SyntheticData;
import org.featureatlas.render.synthetic.SyntheticSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manifest's feature_files may only name files inside the data directory. */
class FeatureFilesTest {
  private static Path data(Path tmp) {
    Path dir = tmp.resolve("data");
    SyntheticData.write(dir, new SyntheticSpec(5, 40, 3, false, false));
    return dir;
  }

  private static void setFiles(Path dir, List<String> files) throws Exception {
    Manifest m = Json.mapper().readValue(dir.resolve(DataDir.MANIFEST).toFile(), Manifest.class);
    Manifest changed = new Manifest(m.formatVersion(), m.model(), m.sae(), m.saeB(), m.dataset(), m.hook(), m.dIn(),
        m.dSae(), m.dVocab(), m.nSequences(), m.seqLen(), m.seed(), m.settings(), files);
    Files.writeString(dir.resolve(DataDir.MANIFEST), Json.mapper().writeValueAsString(changed));
  }

  private static String refused(Path dir, String entry) throws Exception {
    setFiles(dir, List.of(entry));
    AtlasException e = assertThrows(AtlasException.class, () -> DataDir.readManifest(dir), entry);
    assertTrue(e.getMessage().startsWith(dir.resolve(DataDir.MANIFEST) + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void theWrittenManifestReads(@TempDir Path tmp) {
    Path dir = data(tmp);
    Manifest m = DataDir.readManifest(dir);
    assertEquals(List.of("features/features-00000.jsonl.gz"), m.featureFiles());
    assertEquals(5, DataDir.readFeatures(dir, m).size());
  }

  @Test
  void absoluteEntriesAreRefused(@TempDir Path tmp) throws Exception {
    Path dir = data(tmp);
    Path outside = tmp.resolve("outside.jsonl.gz");
    Files.copy(dir.resolve("features/features-00000.jsonl.gz"), outside);
    assertTrue(refused(dir, outside.toString()).contains("is absolute"));
    assertTrue(refused(dir, "/etc/passwd").contains("is absolute"));
  }

  @Test
  void dotDotSegmentsAreRefusedEvenWhenTheyComeBackInside(@TempDir Path tmp) throws Exception {
    Path dir = data(tmp);
    assertTrue(refused(dir, "../outside.jsonl.gz").contains("'..'"));
    assertTrue(refused(dir, "features/../../data/features/features-00000.jsonl.gz").contains("'..'"));
    assertTrue(refused(dir, "features/..").contains("'..'"));
  }

  @Test
  void emptyAndDirectoryItselfAreRefused(@TempDir Path tmp) throws Exception {
    Path dir = data(tmp);
    assertTrue(refused(dir, "").contains("empty entry"));
    assertTrue(refused(dir, ".").contains("outside the data directory"));
    assertTrue(refused(dir, "bad\u0000name").contains("not a valid path"), "NUL is named, escaped");
  }

  @Test
  void aSymbolicLinkOutOfTheDirectoryIsRefused(@TempDir Path tmp) throws Exception {
    Path dir = data(tmp);
    Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.copy(dir.resolve("features/features-00000.jsonl.gz"), outside.resolve("f.jsonl.gz"));
    Files.createSymbolicLink(dir.resolve("link"), outside);
    assertTrue(refused(dir, "link/f.jsonl.gz").contains("symbolic link"));
    Files.createSymbolicLink(dir.resolve("features/direct.jsonl.gz"), outside.resolve("f.jsonl.gz"));
    assertTrue(refused(dir, "features/direct.jsonl.gz").contains("symbolic link"));
  }

  @Test
  void aLinkInsideTheDirectoryIsFine(@TempDir Path tmp) throws Exception {
    Path dir = data(tmp);
    Files.move(dir.resolve("features/features-00000.jsonl.gz"), dir.resolve("features/real.jsonl.gz"));
    Files.createSymbolicLink(dir.resolve("features/features-00000.jsonl.gz"), Path.of("real.jsonl.gz"));
    assertEquals(5, DataDir.readFeatures(dir, DataDir.readManifest(dir)).size());
  }

  @Test
  void theNumberOfFilesMustMatchDSae(@TempDir Path tmp) throws Exception {
    Path dir = data(tmp);
    List<String> two = new ArrayList<>(List.of("features/features-00000.jsonl.gz", "features/features-00001.jsonl.gz"));
    setFiles(dir, two);
    AtlasException e = assertThrows(AtlasException.class, () -> DataDir.readManifest(dir));
    assertTrue(e.getMessage().contains("feature_files lists 2 files, but d_sae 5 needs 1"), e.getMessage());
  }

  @Test
  void forEachFeatureChecksTooWhenGivenAManifestDirectly(@TempDir Path tmp) throws Exception {
    Path dir = data(tmp);
    Manifest m = DataDir.readManifest(dir);
    Manifest outside = new Manifest(m.formatVersion(), m.model(), m.sae(), m.saeB(), m.dataset(), m.hook(), m.dIn(),
        m.dSae(), m.dVocab(), m.nSequences(), m.seqLen(), m.seed(), m.settings(), List.of("../x.jsonl.gz"));
    AtlasException e = assertThrows(AtlasException.class, () -> DataDir.readFeatures(dir, outside));
    assertTrue(e.getMessage().contains("'..'"), e.getMessage());
  }
}
