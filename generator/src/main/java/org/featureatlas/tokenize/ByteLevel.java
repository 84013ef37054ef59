package org.featureatlas.tokenize;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte-level alphabet: every byte is written as a printable character (bytes_to_unicode in
 * the GPT-2 code), e.g. space as {@code Ġ} (U+0120) and newline as {@code Ċ} (U+010A).
 */
final class ByteLevel {
  /** Character code -> byte, or -1 for a character outside the alphabet. */
  private static final int[] BYTE_OF = new int[512];

  static {
    java.util.Arrays.fill(BYTE_OF, -1);
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      if (printable) {
        BYTE_OF[b] = b;
      } else {
        BYTE_OF[256 + n] = b;
        n++;
      }
    }
  }

  private ByteLevel() {}

  /**
   * The text a byte-level token symbol stands for; bytes that are not valid UTF-8 on their own
   * become U+FFFD. Characters outside the alphabet are kept as they are.
   */
  static String decode(String symbol) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(symbol.length());
    StringBuilder out = new StringBuilder();
    symbol.codePoints().forEach(cp -> {
      int b = cp < BYTE_OF.length ? BYTE_OF[cp] : -1;
      if (b >= 0) {
        bytes.write(b);
      } else {
        flush(bytes, out);
        out.appendCodePoint(cp);
      }
    });
    flush(bytes, out);
    return out.toString();
  }

  private static void flush(ByteArrayOutputStream bytes, StringBuilder out) {
    if (bytes.size() > 0) {
      out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
      bytes.reset();
    }
  }
}
