package org.featureatlas.site.archive;

import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.featureatlas.site.archive.ArchiveManifest.FileDigest;

/**
 * {@code atlas archive verify}: recomputes the sha256 of every entry and compares with the manifest.
 * The manifest must be the first file; a file that runs past its listed size stops the check there
 * ({@link ManifestedReader}), and a file the manifest does not list is reported without being read.
 */
public final class ArchiveVerifier {
  /** Stands for a file the manifest does not list: its content is not read. */
  private static final FileDigest UNLISTED = new FileDigest(-1, "");

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
    ArchiveManifest manifest = ManifestedReader.read(archive, m -> { }, name -> digests.put(name, UNLISTED),
        (name, content) -> digests.put(name, Sha256.copy(content, null, null)));
    SortedMap<String, FileDigest> files = ManifestCheck.withoutManifest(digests);
    List<String> problems = ManifestCheck.problems(manifest, files);
    if (!problems.isEmpty()) {
      throw new AtlasException(archive + ": corrupt: " + ManifestCheck.summary(problems, 3));
    }
    long bytes = files.values().stream().mapToLong(FileDigest::size).sum();
    return new Verified(archive, manifest, files.size(), bytes);
  }
}
