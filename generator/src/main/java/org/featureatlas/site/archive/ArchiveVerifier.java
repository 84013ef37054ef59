package org.featureatlas.site.archive;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.featureatlas.site.archive.ArchiveManifest.FileDigest;

/** {@code atlas archive verify}: recomputes the sha256 of every entry and compares with the manifest. */
public final class ArchiveVerifier {
  private ArchiveVerifier() {}

  /** A verified archive: its manifest and how much it holds. Problems throw instead. */
  public record Verified(Path file, ArchiveManifest manifest, int files, long bytes) {}

  /**
   * Verifies {@code archive}; on any problem (truncation, corruption, unsafe entry, missing, extra
   * or changed file) throws an {@link AtlasException} whose one-line message names the archive, the
   * number of problems and the first few.
   */
  public static Verified verify(Path archive) {
    SortedMap<String, FileDigest> digests = new TreeMap<>();
    ByteArrayOutputStream manifestBytes = new ByteArrayOutputStream();
    ArchiveReader.read(archive, (name, content) -> {
      boolean isManifest = name.equals(ArchiveManifest.NAME);
      digests.put(name, Sha256.copy(content, isManifest ? manifestBytes : null, null));
    });
    if (!digests.containsKey(ArchiveManifest.NAME)) {
      throw new AtlasException(archive + ": corrupt: no " + ArchiveManifest.NAME + " in the archive");
    }
    ArchiveManifest manifest = ManifestCheck.parse(archive, manifestBytes.toByteArray());
    SortedMap<String, FileDigest> files = ManifestCheck.withoutManifest(digests);
    List<String> problems = ManifestCheck.problems(manifest, files);
    if (!problems.isEmpty()) {
      throw new AtlasException(archive + ": corrupt: " + ManifestCheck.summary(problems, 3));
    }
    long bytes = files.values().stream().mapToLong(FileDigest::size).sum();
    return new Verified(archive, manifest, files.size(), bytes);
  }
}
