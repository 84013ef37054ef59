package org.featureatlas.site.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.featureatlas.site.archive.ArchiveManifest.FileDigest;

/** Streams bytes through sha256, counting them. */
final class Sha256 {
  private Sha256() {}

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no SHA-256", e);
    }
  }

  /** Copies {@code in} to {@code out} (which may be null) and returns the size and sha256 of what passed. */
  static FileDigest copy(InputStream in, OutputStream out, java.util.function.LongConsumer progress) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[1 << 16];
    long size = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      digest.update(buffer, 0, n);
      if (out != null) {
        out.write(buffer, 0, n);
      }
      size += n;
      if (progress != null) {
        progress.accept(n);
      }
    }
    return new FileDigest(size, HexFormat.of().formatHex(digest.digest()));
  }

  static FileDigest of(byte[] bytes) {
    return new FileDigest(bytes.length, HexFormat.of().formatHex(newDigest().digest(bytes)));
  }
}
