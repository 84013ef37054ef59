package org.featureatlas.site.archive;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.site.SafePath;

/**
 * Reads the entries of an archive in stored order and hands each regular file to a visitor.
 * Refused, with a one-line error naming the archive and the entry: symbolic and hard links, devices,
 * FIFOs and other special entries; absolute names, {@code ..} or empty segments, backslashes and
 * control characters; duplicate names. Directory entries are checked and skipped. A truncated or
 * corrupt archive (gzip trailer included) is reported as such, and so is anything after the end of
 * the archive: in a {@code .tar.gz}, after the tar's end-of-archive blocks only zero padding up to
 * the next {@value #TAR_RECORD}-byte record may follow, and nothing after the one gzip member; in a
 * zip, nothing after the end-of-central-directory record and its comment, and nothing between the
 * central directory and that record.
 */
final class ArchiveReader {
  /** The tar record size (20 blocks of 512 bytes), to which tar writers pad the archive with zeros. */
  static final int TAR_RECORD = 10240;
  private static final int TAR_BLOCK = 512;
  private static final int ZIP_EOCD_SIGNATURE = 0x06054b50;
  private static final int ZIP_EOCD_LENGTH = 22;
  private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
  private static final int ZIP64_LOCATOR_LENGTH = 20;
  private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;
  private static final int ZIP64_EOCD_LENGTH = 56;

  private ArchiveReader() {}

  /** Receives each regular-file entry; {@code content} is only valid during the call. */
  interface Visitor {
    /**
     * {@code declaredSize} is the size the entry's header states (-1 when it states none); it is only
     * a claim, the content may end earlier or run on.
     */
    void file(String name, long declaredSize, InputStream content) throws IOException;
  }

  static void read(Path archive, Visitor visitor) {
    Check.readableFile(archive);
    ArchiveFormat format = ArchiveFormat.of(archive);
    Set<String> seen = new HashSet<>();
    try {
      if (format == ArchiveFormat.ZIP) {
        readZip(archive, visitor, seen);
      } else {
        readTarGz(archive, visitor, seen);
      }
    } catch (IOException e) {
      String why = e instanceof EOFException && e.getMessage() == null ? "it ends too early"
          : e.getClass().getSimpleName() + ": " + e.getMessage();
      throw new AtlasException(archive + ": truncated or corrupt archive (" + why + ")", e);
    }
  }

  private static void readTarGz(Path archive, Visitor visitor, Set<String> seen) throws IOException {
    try (BufferedInputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
         GzipCompressorInputStream gzip = GzipCompressorInputStream.builder().setInputStream(file)
             .setDecompressConcatenated(false).get();
         Tracking tarBytes = new Tracking(gzip);
         TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes, "UTF-8")) {
      long end = 0; // where the last entry's blocks end: the end-of-archive blocks start there
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String name = entry.getName();
        if (entry.isSymbolicLink()) {
          throw refused(archive, name, "is a symbolic link to '" + entry.getLinkName() + "'");
        }
        if (entry.isLink()) {
          throw refused(archive, name, "is a hard link to '" + entry.getLinkName() + "'");
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
          throw refused(archive, name, "is a device or FIFO");
        }
        if (entry.isDirectory()) {
          checkName(archive, stripSlash(name), seen);
        } else {
          byte flag = entry.getLinkFlag();
          if ((flag != TarConstants.LF_NORMAL && flag != TarConstants.LF_OLDNORM) || entry.isSparse()) {
            throw refused(archive, name, "has unsupported entry type '" + (char) flag + "'");
          }
          checkName(archive, name, seen);
          visitor.file(name, entry.getSize(), tar);
        }
        tar.transferTo(OutputStream.nullOutputStream()); // whatever the visitor left of this entry
        end = roundUp(tarBytes.position(), TAR_BLOCK);
      }
      checkTarEnd(archive, tarBytes, end);
      if (file.read() >= 0) {
        throw new AtlasException(archive + ": corrupt: data after the end of the gzip stream (appended bytes or a "
            + "second gzip member)");
      }
    }
  }

  /**
   * After the tar's end marker (at {@code end}) only zeros may follow, up to the end of that tar
   * record; reading stops as soon as anything else turns up, so a long tail is never decompressed.
   * Reading to the end also checks the gzip trailer (CRC and length).
   */
  private static void checkTarEnd(Path archive, Tracking tar, long end) throws IOException {
    long limit = roundUp(end + 2 * TAR_BLOCK, TAR_RECORD);
    byte[] rest = new byte[TAR_BLOCK];
    while (tar.lastNonZeroEnd() <= end && tar.position() <= limit && tar.read(rest) >= 0) {
      // only counting and looking for non-zero bytes
    }
    if (tar.lastNonZeroEnd() > end || tar.position() > limit || tar.position() % TAR_BLOCK != 0) {
      throw new AtlasException(archive + ": corrupt: data after the end of the tar archive (only zero padding "
          + "to the end of its " + TAR_RECORD + "-byte record may follow the end-of-archive blocks)");
    }
  }

  private static long roundUp(long n, long to) {
    return (n + to - 1) / to * to;
  }

  private static void readZip(Path archive, Visitor visitor, Set<String> seen) throws IOException {
    checkZipEnd(archive);
    try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
      Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
      while (entries.hasMoreElements()) {
        ZipArchiveEntry entry = entries.nextElement();
        String name = entry.getName();
        if (entry.isUnixSymlink()) {
          throw refused(archive, name, "is a symbolic link");
        }
        int type = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? entry.getUnixMode() & 0170000 : 0;
        if (entry.isDirectory()) {
          if (type != 0 && type != 0040000) {
            throw refused(archive, name, "is a special file");
          }
          checkName(archive, stripSlash(name), seen);
          continue;
        }
        if (type != 0 && type != 0100000) {
          throw refused(archive, name, "is a special file (mode " + Integer.toOctalString(entry.getUnixMode()) + ")");
        }
        checkName(archive, name, seen);
        if (!zip.canReadEntryData(entry)) {
          throw refused(archive, name, "uses an unsupported compression method or encryption");
        }
        try (InputStream in = zip.getInputStream(entry)) {
          visitor.file(name, entry.getSize(), in);
        }
      }
    }
  }

  /**
   * The end-of-central-directory record that a zip reader uses (the last one in the file, searched
   * from the end) must end, with its comment, exactly where the file ends, and the central directory
   * must end exactly where that record (or the zip64 end record) begins: no bytes may hide after the
   * archive or between its directory and its end. Without an end record the zip reader reports the
   * archive as corrupt.
   */
  private static void checkZipEnd(Path archive) throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(archive)) {
      long size = channel.size();
      int tail = (int) Math.min(size, ZIP_EOCD_LENGTH + 0xffff);
      ByteBuffer bytes = read(channel, size - tail, tail);
      int at = tail - ZIP_EOCD_LENGTH;
      while (at >= 0 && bytes.getInt(at) != ZIP_EOCD_SIGNATURE) {
        at--;
      }
      if (at < 0) {
        return;
      }
      long eocd = size - tail + at;
      long end = eocd + ZIP_EOCD_LENGTH + (bytes.getShort(at + 20) & 0xffff);
      if (end != size) {
        throw new AtlasException(archive + ": corrupt: " + (end < size ? (size - end)
            + " bytes of data after the end of the zip archive" : "the zip end record runs past the end of the file"));
      }
      long directorySize = bytes.getInt(at + 12) & 0xffffffffL;
      long directoryOffset = bytes.getInt(at + 16) & 0xffffffffL;
      long directoryMustEnd = eocd;
      if (eocd >= ZIP64_LOCATOR_LENGTH) {
        ByteBuffer locator = read(channel, eocd - ZIP64_LOCATOR_LENGTH, ZIP64_LOCATOR_LENGTH);
        if (locator.getInt(0) == ZIP64_LOCATOR_SIGNATURE) {
          long record = locator.getLong(8);
          if (record < 0 || record > eocd - ZIP64_LOCATOR_LENGTH - ZIP64_EOCD_LENGTH) {
            throw new AtlasException(archive + ": corrupt: the zip64 end record lies outside the file");
          }
          ByteBuffer zip64 = read(channel, record, ZIP64_EOCD_LENGTH);
          if (zip64.getInt(0) != ZIP64_EOCD_SIGNATURE) {
            throw new AtlasException(archive + ": corrupt: no zip64 end record where its locator points");
          }
          long recordEnd = record + 12 + zip64.getLong(4);
          if (recordEnd != eocd - ZIP64_LOCATOR_LENGTH) {
            throw new AtlasException(archive + ": corrupt: the zip64 end record does not end at its locator");
          }
          directorySize = zip64.getLong(40);
          directoryOffset = zip64.getLong(48);
          directoryMustEnd = record;
        }
      }
      long directoryEnd = directoryOffset + directorySize;
      if (directoryOffset < 0 || directorySize < 0 || directoryEnd != directoryMustEnd) {
        throw new AtlasException(archive + ": corrupt: " + (directoryEnd >= 0 && directoryEnd < directoryMustEnd
            ? (directoryMustEnd - directoryEnd) + " bytes of data between the zip central directory and its end record"
            : "the zip central directory does not end where its end record begins"));
      }
    }
  }

  private static ByteBuffer read(SeekableByteChannel channel, long position, int length) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    channel.position(position);
    while (bytes.hasRemaining()) {
      if (channel.read(bytes) < 0) {
        throw new EOFException();
      }
    }
    return bytes;
  }

  private static void checkName(Path archive, String name, Set<String> seen) {
    Optional<String> problem = SafePath.problem(name);
    if (problem.isPresent()) {
      throw refused(archive, name, "would land outside the target directory (" + problem.get() + ")");
    }
    if (!seen.add(name)) {
      throw refused(archive, name, "appears twice");
    }
  }

  private static String stripSlash(String name) {
    return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
  }

  /**
   * Counts the bytes read through it and remembers where the last non-zero byte ended; skipping
   * reads too, so that no byte goes unseen.
   */
  private static final class Tracking extends FilterInputStream {
    private final byte[] skipBuffer = new byte[8192];
    private long position;
    private long lastNonZeroEnd;

    Tracking(InputStream in) {
      super(in);
    }

    long position() {
      return position;
    }

    long lastNonZeroEnd() {
      return lastNonZeroEnd;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        position++;
        if (b != 0) {
          lastNonZeroEnd = position;
        }
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      for (int i = n - 1; i >= 0; i--) {
        if (b[off + i] != 0) {
          lastNonZeroEnd = position + i + 1;
          break;
        }
      }
      if (n > 0) {
        position += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = 0;
      while (skipped < n) {
        int r = read(skipBuffer, 0, (int) Math.min(skipBuffer.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public synchronized void mark(int limit) {
      // not supported
    }

    @Override
    public synchronized void reset() throws IOException {
      throw new IOException("mark/reset not supported");
    }
  }

  static AtlasException refused(Path archive, String name, String why) {
    String shown = name.replaceAll("\\p{Cntrl}", "?");
    return new AtlasException(archive + ": refused: entry '" + shown + "' " + why);
  }
}
