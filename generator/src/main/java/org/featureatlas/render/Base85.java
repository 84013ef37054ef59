package org.featureatlas.render;

/**
 * Bytes as text for a page's data block: each 4 bytes (big-endian) become 5 digits base 85, a last group of
 * k bytes (1 to 3) becomes k + 1 digits (the group padded with zero bytes, the extra digits dropped, as in
 * Ascii85). The alphabet is printable ASCII without {@code " ' \ < > & ^ ` |} and space, so the text is safe
 * inside a JSON string in {@code <script type="application/json">} and in HTML. 5/4 of the bytes, where
 * base64 takes 4/3.
 */
final class Base85 {
  static final String ALPHABET =
      "!#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz{}~";

  private Base85() {}

  static String encode(byte[] b) {
    StringBuilder out = new StringBuilder(b.length * 5 / 4 + 5);
    char[] digits = new char[5];
    for (int i = 0; i < b.length; i += 4) {
      int k = Math.min(4, b.length - i);
      long v = 0;
      for (int j = 0; j < 4; j++) {
        v = v << 8 | (j < k ? b[i + j] & 0xFF : 0);
      }
      for (int j = 4; j >= 0; j--) {
        digits[j] = ALPHABET.charAt((int) (v % 85));
        v /= 85;
      }
      out.append(digits, 0, k + 1);
    }
    return out.toString();
  }

  static byte[] decode(String s) {
    int groups = s.length() / 5;
    int rest = s.length() % 5;
    byte[] out = new byte[groups * 4 + (rest == 0 ? 0 : rest - 1)];
    for (int g = 0; g * 5 < s.length(); g++) {
      int n = Math.min(5, s.length() - g * 5);
      long v = 0;
      for (int j = 0; j < 5; j++) {
        v = v * 85 + (j < n ? ALPHABET.indexOf(s.charAt(g * 5 + j)) : 84);
      }
      for (int j = 0; j < n - 1; j++) {
        out[g * 4 + j] = (byte) (v >>> (24 - 8 * j));
      }
    }
    return out;
  }

  /** How many base-85 digits {@link #fixed} needs for numbers up to {@code max} (at least 1). */
  static int fixedWidth(long max) {
    int w = 1;
    for (long v = max / 85; v > 0; v /= 85) {
      w++;
    }
    return w;
  }

  /** Appends {@code value} (0 or more) as {@code width} base-85 digits, most significant first. */
  static void fixed(long value, int width, StringBuilder out) {
    int at = out.length();
    out.setLength(at + width);
    for (int j = width - 1; j >= 0; j--) {
      out.setCharAt(at + j, ALPHABET.charAt((int) (value % 85)));
      value /= 85;
    }
    if (value != 0) {
      throw new IllegalArgumentException("does not fit " + width + " base-85 digits");
    }
  }
}
