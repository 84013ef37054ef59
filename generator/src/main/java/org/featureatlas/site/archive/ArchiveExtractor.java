package org.featureatlas.site.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.fs.OutputGuard;
import org.featureatlas.site.SafePath;
import org.featureatlas.site.archive.ArchiveManifest.FileDigest;

/**
 * {@code atlas archive extract}: unpacks into a temporary directory next to DIR, checks every file
 * against the manifest, and only then renames it to DIR. Entries that would land outside DIR,
 * links and special files are refused ({@link ArchiveReader}); a refused or corrupt archive leaves
 * nothing behind. The manifest comes first and bounds everything after it ({@link ManifestedReader}):
 * a file it does not list is refused before it is written, and a file is cut off with an error as
 * soon as it runs past its listed size. If the listed files would not fit on the disk, nothing is
 * written at all. DIR must not exist or be an empty directory.
 */
public final class ArchiveExtractor {
  private ArchiveExtractor() {}

  public record Extracted(Path dir, int files, long bytes) {}

  public static Extracted extract(Path archive, Path dir) {
    checkTarget(archive, dir);
    SortedMap<String, FileDigest> digests = new TreeMap<>();
    try (AtomicDirectory out = AtomicDirectory.create(dir)) {
      Path root = out.path();
      ArchiveManifest manifest = ManifestedReader.read(archive, m -> checkSpace(archive, root, m), name -> {
        throw ArchiveReader.refused(archive, name, "is not in " + ArchiveManifest.NAME + "; nothing extracted");
      }, (name, content) -> {
        Path target = SafePath.resolve(root, name);
        OutputStream file;
        try {
          Files.createDirectories(target.getParent());
          file = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
          throw new AtlasException(archive + ": refused: entry '" + name + "' conflicts with another entry ("
              + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        try (OutputStream written = new WriteFailures(file, dir)) {
          digests.put(name, Sha256.copy(content, written, null));
        }
      });
      SortedMap<String, FileDigest> files = ManifestCheck.withoutManifest(digests);
      List<String> problems = ManifestCheck.problems(manifest, files);
      if (!problems.isEmpty()) {
        throw new AtlasException(archive + ": corrupt, nothing extracted: " + ManifestCheck.summary(problems, 3));
      }
      out.commit();
      long bytes = digests.values().stream().mapToLong(FileDigest::size).sum();
      return new Extracted(out.target(), digests.size(), bytes);
    }
  }

  /** Refuses before writing anything when the files the manifest lists would not fit on the disk. */
  private static void checkSpace(Path archive, Path root, ArchiveManifest manifest) {
    long needed = 0;
    for (FileDigest f : manifest.files().values()) {
      needed = f.size() > Long.MAX_VALUE - needed ? Long.MAX_VALUE : needed + f.size();
    }
    long free;
    try {
      free = Files.getFileStore(root).getUsableSpace();
    } catch (IOException e) {
      return; // unknown: the writes themselves report a full disk
    }
    if (needed > free) {
      throw new AtlasException(archive + ": its manifest lists " + needed + " bytes of files, but only " + free
          + " bytes are free in " + root.getParent() + "; nothing extracted");
    }
  }

  /** DIR must be new or empty, and neither the current directory (or above it) nor a link. */
  private static void checkTarget(Path archive, Path dir) {
    OutputGuard.check(dir, names -> "exists and is not empty; extract into a new directory", List.of(archive));
  }

  /** Reports a failed write (disk full, permissions) as such, not as a corrupt archive. */
  private static final class WriteFailures extends OutputStream {
    private final OutputStream out;
    private final Path dir;

    WriteFailures(OutputStream out, Path dir) {
      this.out = out;
      this.dir = dir;
    }

    @Override
    public void write(int v) {
      write(new byte[] {(byte) v}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int off, int len) {
      try {
        out.write(bytes, off, len);
      } catch (IOException e) {
        throw new AtlasException(dir + ": cannot write extracted files (" + e.getMessage() + ")", e);
      }
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new AtlasException(dir + ": cannot write extracted files (" + e.getMessage() + ")", e);
      }
    }
  }
}
