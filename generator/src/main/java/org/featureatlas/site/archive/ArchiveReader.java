package org.featureatlas.site.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.site.SafePath;

/**
 * Reads the entries of an archive in stored order and hands each regular file to a visitor.
 * Refused, with a one-line error naming the archive and the entry: symbolic and hard links, devices,
 * FIFOs and other special entries; absolute names, {@code ..} or empty segments, backslashes and
 * control characters; duplicate names. Directory entries are checked and skipped. A truncated or
 * corrupt archive (gzip trailer included) is reported as such.
 */
final class ArchiveReader {
  private ArchiveReader() {}

  /** Receives each regular-file entry; {@code content} is only valid during the call. */
  interface Visitor {
    void file(String name, InputStream content) throws IOException;
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
      throw new AtlasException(archive + ": truncated or corrupt archive (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + ")", e);
    }
  }

  private static void readTarGz(Path archive, Visitor visitor, Set<String> seen) throws IOException {
    try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
         GZIPInputStream gzip = new GZIPInputStream(file, 1 << 16);
         TarArchiveInputStream tar = new TarArchiveInputStream(gzip, "UTF-8")) {
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
          continue;
        }
        byte flag = entry.getLinkFlag();
        if ((flag != TarConstants.LF_NORMAL && flag != TarConstants.LF_OLDNORM) || entry.isSparse()) {
          throw refused(archive, name, "has unsupported entry type '" + (char) flag + "'");
        }
        checkName(archive, name, seen);
        visitor.file(name, tar);
      }
      // Read what follows the tar end marker so that the gzip trailer (CRC, length) is checked too.
      byte[] rest = new byte[1 << 14];
      while (gzip.read(rest) >= 0) {
        // discard padding
      }
    }
  }

  private static void readZip(Path archive, Visitor visitor, Set<String> seen) throws IOException {
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
          visitor.file(name, in);
        }
      }
    }
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

  private static AtlasException refused(Path archive, String name, String why) {
    String shown = name.replaceAll("\\p{Cntrl}", "?");
    return new AtlasException(archive + ": refused: entry '" + shown + "' " + why);
  }
}
