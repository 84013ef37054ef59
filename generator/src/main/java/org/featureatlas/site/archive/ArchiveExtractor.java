package org.featureatlas.site.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.site.SafePath;
import org.featureatlas.site.archive.ArchiveManifest.FileDigest;

/**
 * {@code atlas archive extract}: unpacks into a temporary directory next to DIR, checks every file
 * against the manifest, and only then renames it to DIR. Entries that would land outside DIR,
 * links and special files are refused ({@link ArchiveReader}); a refused or corrupt archive leaves
 * nothing behind. DIR must not exist or be an empty directory.
 */
public final class ArchiveExtractor {
  private ArchiveExtractor() {}

  public record Extracted(Path dir, int files, long bytes) {}

  public static Extracted extract(Path archive, Path dir) {
    checkTarget(dir);
    SortedMap<String, FileDigest> digests = new TreeMap<>();
    ByteArrayOutputStream manifestBytes = new ByteArrayOutputStream();
    try (AtomicDirectory out = AtomicDirectory.create(dir)) {
      Path root = out.path();
      ArchiveReader.read(archive, (name, content) -> {
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
          boolean isManifest = name.equals(ArchiveManifest.NAME);
          OutputStream sink = isManifest ? new TeeStream(written, manifestBytes) : written;
          digests.put(name, Sha256.copy(content, sink, null));
        }
      });
      if (!digests.containsKey(ArchiveManifest.NAME)) {
        throw new AtlasException(archive + ": corrupt: no " + ArchiveManifest.NAME + " in the archive; nothing extracted");
      }
      ArchiveManifest manifest = ManifestCheck.parse(archive, manifestBytes.toByteArray());
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

  private static void checkTarget(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new AtlasException(dir + ": exists and is not a directory; extract into a new directory");
    }
    try (Stream<Path> children = Files.list(dir)) {
      if (children.findAny().isPresent()) {
        throw new AtlasException(dir + ": exists and is not empty; extract into a new directory");
      }
    } catch (IOException e) {
      throw new AtlasException(dir + ": cannot read (" + e.getMessage() + ")", e);
    }
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

  /** Writes to a file and keeps a copy in memory (for the manifest). */
  private static final class TeeStream extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    TeeStream(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int v) throws IOException {
      a.write(v);
      b.write(v);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }
}
