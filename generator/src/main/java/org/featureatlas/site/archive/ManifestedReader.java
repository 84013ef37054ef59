package org.featureatlas.site.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.featureatlas.check.AtlasException;
import org.featureatlas.site.archive.ArchiveManifest.FileDigest;

/**
 * Reads an archive whose first file must be {@value ArchiveManifest#NAME} (at most
 * {@value #MAX_MANIFEST_BYTES} bytes) and checks every later file against that manifest while it
 * streams. A file the manifest does not list is handed on by name only, without being read. A
 * listed file whose header claims more than the listed size is refused before it is read, and its
 * content stops with an error as soon as it runs past the listed size, whatever the header said: no
 * entry is ever decompressed more than one byte beyond what the manifest promised.
 */
final class ManifestedReader {
  static final int MAX_MANIFEST_BYTES = 64 << 20;

  private ManifestedReader() {}

  /** Receives the files in stored order, the manifest first; {@code content} is only valid during the call. */
  interface Files {
    /** A listed file's {@code content} yields at most the listed size, then throws if more follows. */
    void file(String name, InputStream content) throws IOException;
  }

  /**
   * Reads {@code archive} and returns its manifest; every problem throws. {@code onManifest} sees the
   * parsed manifest before any file; then {@code files} gets the manifest's own bytes and every
   * listed file, and {@code onUnlisted} the name of every file the manifest does not list.
   */
  static ArchiveManifest read(Path archive, Consumer<ArchiveManifest> onManifest, Consumer<String> onUnlisted,
      Files files) {
    ArchiveManifest[] manifest = {null};
    ArchiveReader.read(archive, (name, declaredSize, content) -> {
      if (manifest[0] == null) {
        if (!name.equals(ArchiveManifest.NAME)) {
          throw ArchiveReader.refused(archive, name, "comes before " + ArchiveManifest.NAME
              + ", which must be the first file");
        }
        byte[] bytes = readManifest(archive, declaredSize, content);
        manifest[0] = ManifestCheck.parse(archive, bytes);
        onManifest.accept(manifest[0]);
        files.file(name, new ByteArrayInputStream(bytes));
        return;
      }
      FileDigest listed = manifest[0].files().get(name);
      if (listed == null) {
        onUnlisted.accept(name);
        return;
      }
      if (declaredSize > listed.size()) {
        throw tooLarge(archive, name, listed.size(), "its header says " + declaredSize + " bytes");
      }
      files.file(name, new Bounded(content, listed.size(), () -> tooLarge(archive, name, listed.size(),
          "its content runs on past that")));
    });
    if (manifest[0] == null) {
      throw new AtlasException(archive + ": corrupt: no " + ArchiveManifest.NAME + " in the archive");
    }
    return manifest[0];
  }

  private static byte[] readManifest(Path archive, long declaredSize, InputStream content) throws IOException {
    if (declaredSize > MAX_MANIFEST_BYTES) {
      throw tooLargeManifest(archive);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new Bounded(content, MAX_MANIFEST_BYTES, () -> tooLargeManifest(archive)).transferTo(bytes);
    return bytes.toByteArray();
  }

  private static AtlasException tooLargeManifest(Path archive) {
    return new AtlasException(archive + ": refused: " + ArchiveManifest.NAME + " is larger than "
        + (MAX_MANIFEST_BYTES >> 20) + " MiB");
  }

  private static AtlasException tooLarge(Path archive, String name, long listed, String why) {
    return ArchiveReader.refused(archive, name, "is larger than the " + listed + " bytes " + ArchiveManifest.NAME
        + " lists for it (" + why + ")");
  }

  /** At most {@code limit} bytes of {@code in}; one byte more throws the given error instead. */
  private static final class Bounded extends FilterInputStream {
    private final Supplier<AtlasException> overflow;
    private long left;

    Bounded(InputStream in, long limit, Supplier<AtlasException> overflow) {
      super(in);
      this.left = limit;
      this.overflow = overflow;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (left == 0) {
        if (in.read() >= 0) {
          throw overflow.get();
        }
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      return super.skip(Math.min(n, left));
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), left);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
