package org.featureatlas.render;

import java.io.ByteArrayOutputStream;

/**
 * Bytes as text for a feature page's data block, in the basE91 scheme (Joachim Henke's): bits are taken 13 at
 * a time (14 when the 13-bit value is at most 88, which still fits two digits), least significant first, and
 * each chunk becomes two base-91 digits, low digit first; a last chunk of fewer bits becomes one digit, or two
 * when it needs them. About 1.23 characters a byte, where base 85 takes 1.25 and base 64 1.33. The alphabet is
 * printable ASCII without {@code " \ <}: the text is safe inside a JSON string in a
 * {@code <script type="application/json">} block (whose content the HTML parser ends only at {@code </script}).
 */
final class Base91 {
  static final String ALPHABET;

  static {
    StringBuilder a = new StringBuilder(91);
    for (char c = '!'; c <= '~'; c++) {
      if (c != '"' && c != '\\' && c != '<') {
        a.append(c);
      }
    }
    ALPHABET = a.toString();
  }

  private Base91() {}

  static String encode(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length * 5 / 4 + 4);
    int b = 0;
    int n = 0;
    for (byte x : bytes) {
      b |= (x & 0xFF) << n;
      n += 8;
      if (n > 13) {
        int v = b & 8191;
        if (v > 88) {
          b >>>= 13;
          n -= 13;
        } else {
          v = b & 16383;
          b >>>= 14;
          n -= 14;
        }
        out.append(ALPHABET.charAt(v % 91)).append(ALPHABET.charAt(v / 91));
      }
    }
    if (n > 0) {
      out.append(ALPHABET.charAt(b % 91));
      if (n > 7 || b > 90) {
        out.append(ALPHABET.charAt(b / 91));
      }
    }
    return out.toString();
  }

  static byte[] decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    int v = -1;
    int b = 0;
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      int d = ALPHABET.indexOf(s.charAt(i));
      if (d < 0) {
        throw new IllegalArgumentException("not base 91: " + s.charAt(i));
      }
      if (v < 0) {
        v = d;
      } else {
        v += d * 91;
        b |= v << n;
        n += (v & 8191) > 88 ? 13 : 14;
        do {
          out.write(b & 0xFF);
          b >>>= 8;
          n -= 8;
        } while (n > 7);
        v = -1;
      }
    }
    if (v >= 0) {
      out.write((b | v << n) & 0xFF);
    }
    return out.toByteArray();
  }
}
