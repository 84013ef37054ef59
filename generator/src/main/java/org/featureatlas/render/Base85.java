package org.featureatlas.render;

/**
 * Numbers as fixed-width base-85 text, for the search shards' token ids ({@link SearchIndex}). The alphabet is
 * printable ASCII without {@code " ' \ < > & ^ ` |} and space, so the text is safe in a JSON string and in
 * HTML.
 */
final class Base85 {
  static final String ALPHABET =
      "!#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz{}~";

  private Base85() {}

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
