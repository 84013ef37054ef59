package org.featureatlas.site.archive;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import me.tongfei.progressbar.ProgressBar;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.IoErrors;
import org.featureatlas.check.Check;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Json;
import org.featureatlas.data.Manifest;
import org.featureatlas.progress.Progress;
import org.featureatlas.site.SiteFiles;
import org.featureatlas.site.archive.ArchiveManifest.FileDigest;

/**
 * Writes the archive of one checkpoint: {@code ATLAS-MANIFEST.json}, then {@code data/...} and
 * {@code site/...}, entries sorted by name. The bytes depend only on the inputs' names and contents:
 * every entry has the time 1980-01-02 00:00, mode 0644, owner 0:0 and no user or group name; the
 * gzip header has no time or name. The archive is written to a temporary file next to the output
 * and renamed into place, so a failed run leaves no partial archive.
 */
public final class ArchiveWriter {
  /**
   * 1980-01-02T00:00:00Z. Zip holds local wall-clock times from 1980 on; a day after the zip epoch,
   * no time zone offset pushes the entry time before it (which would add extra timestamp fields).
   */
  static final long FIXED_TIME_SECONDS = 315_619_200L;
  static final int FILE_MODE = 0100644;

  private ArchiveWriter() {}

  /** What was written. */
  public record Summary(Path file, int files, long inputBytes, long archiveBytes) {}

  private record Source(String name, Path path) {}

  public static Summary write(Path dataDir, Path siteDir, Path out) {
    Manifest data = DataDir.readManifest(dataDir);
    ArchiveFormat format = ArchiveFormat.of(out);
    Path target = out.toAbsolutePath().normalize();
    for (Path input : List.of(dataDir, siteDir)) {
      Path in = input.toAbsolutePath().normalize();
      Check.that(!target.startsWith(in), target + ": the archive must not be written inside its input " + in);
    }
    List<Source> sources = new ArrayList<>();
    for (String rel : SiteFiles.list(dataDir)) {
      sources.add(new Source("data/" + rel, dataDir.resolve(rel)));
    }
    for (String rel : SiteFiles.list(siteDir)) {
      sources.add(new Source("site/" + rel, siteDir.resolve(rel)));
    }
    sources.sort((a, b) -> a.name().compareTo(b.name()));

    long total = 0;
    for (Source s : sources) {
      total += size(s.path());
    }
    SortedMap<String, FileDigest> digests = new TreeMap<>();
    try (ProgressBar bar = Progress.bar("Hashing", Math.max(1, total >> 10), "KiB")) {
      long[] done = {0};
      for (Source s : sources) {
        try (InputStream in = Files.newInputStream(s.path())) {
          digests.put(s.name(), Sha256.copy(in, null, n -> bar.stepTo((done[0] += n) >> 10)));
        } catch (IOException e) {
          throw IoErrors.reading(s.path(), e);
        }
      }
    }
    ArchiveManifest manifest = new ArchiveManifest(ArchiveManifest.FORMAT_VERSION, data.model(), data.sae(),
        data.saeB(), data.dataset(), data.hook(), digests);
    byte[] manifestBytes = manifestBytes(manifest);

    Path temp = null;
    try {
      Files.createDirectories(target.getParent());
      temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".tmp-", "");
      try (EntrySink sink = format == ArchiveFormat.ZIP ? new ZipSink(temp) : new TarGzSink(temp);
           ProgressBar bar = Progress.bar("Archiving", Math.max(1, total >> 10), "KiB")) {
        sink.add(ArchiveManifest.NAME, manifestBytes.length, new ByteArrayInputStream(manifestBytes), null);
        long[] done = {0};
        for (Source s : sources) {
          FileDigest expected = digests.get(s.name());
          FileDigest written;
          try (InputStream in = Files.newInputStream(s.path())) {
            written = sink.add(s.name(), expected.size(), in, n -> bar.stepTo((done[0] += n) >> 10));
          }
          Check.file(written.equals(expected), s.path(), "changed while it was being archived; run archive again");
        }
      }
      readableByAll(temp);
      move(temp, target);
      temp = null;
      return new Summary(target, sources.size() + 1, total, Files.size(target));
    } catch (IOException e) {
      throw new AtlasException(target + ": cannot write archive (" + e.getMessage() + ")", e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort: the temporary file has a dot name next to the target
        }
      }
    }
  }

  /** The manifest as pretty JSON with '\n' line ends on every platform, ending in a newline. */
  static byte[] manifestBytes(ArchiveManifest manifest) {
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    try {
      String json = Json.mapper().writer(printer).writeValueAsString(manifest);
      return (json + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write archive manifest", e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    }
  }

  /** A temporary file is created owner-only; the finished archive is rw-r--r-- like any other output. */
  private static void readableByAll(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep its default permissions
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** One archive being written. */
  private interface EntrySink extends AutoCloseable {
    FileDigest add(String name, long size, InputStream content, java.util.function.LongConsumer progress) throws IOException;

    @Override
    void close() throws IOException;
  }

  private static final class TarGzSink implements EntrySink {
    private final TarArchiveOutputStream tar;

    TarGzSink(Path file) throws IOException {
      OutputStream gzip = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), 1 << 16);
      tar = new TarArchiveOutputStream(gzip, "UTF-8");
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    @Override
    public FileDigest add(String name, long size, InputStream content, java.util.function.LongConsumer progress)
        throws IOException {
      TarArchiveEntry entry = new TarArchiveEntry(name, true);
      entry.setSize(size);
      entry.setMode(FILE_MODE);
      entry.setModTime(FileTime.from(FIXED_TIME_SECONDS, TimeUnit.SECONDS));
      entry.setUserId(0);
      entry.setGroupId(0);
      entry.setUserName("");
      entry.setGroupName("");
      tar.putArchiveEntry(entry);
      FileDigest digest = Sha256.copy(content, tar, progress);
      tar.closeArchiveEntry();
      return digest;
    }

    @Override
    public void close() throws IOException {
      tar.finish();
      tar.close();
    }
  }

  private static final class ZipSink implements EntrySink {
    private final ZipArchiveOutputStream zip;
    /**
     * 1980-01-02 00:00 local time in the zone the zip writer converts with: zip stores wall-clock
     * time, so every zone writes the same bytes.
     */
    private final long zipTime;

    ZipSink(Path file) throws IOException {
      zipTime = LocalDateTime.of(1980, 1, 2, 0, 0).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
      zip = new ZipArchiveOutputStream(file);
      zip.setEncoding("UTF-8");
      zip.setUseLanguageEncodingFlag(true);
      zip.setLevel(Deflater.DEFAULT_COMPRESSION);
    }

    @Override
    public FileDigest add(String name, long size, InputStream content, java.util.function.LongConsumer progress)
        throws IOException {
      ZipArchiveEntry entry = new ZipArchiveEntry(name);
      entry.setMethod(ZipEntry.DEFLATED);
      entry.setTime(zipTime);
      entry.setUnixMode(FILE_MODE);
      entry.setSize(size);
      zip.putArchiveEntry(entry);
      FileDigest digest = Sha256.copy(content, zip, progress);
      zip.closeArchiveEntry();
      return digest;
    }

    @Override
    public void close() throws IOException {
      zip.finish();
      zip.close();
    }
  }
}
