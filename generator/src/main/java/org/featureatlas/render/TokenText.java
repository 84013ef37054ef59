package org.featureatlas.render;

import java.util.List;

/**
 * How a vocabulary display string is shown: spaces stay (the CSS keeps them), a newline becomes
 * "↵", a tab "⇥", and every other invisible or direction-changing code point (C0/C1 controls, the
 * bidi marks, embeddings, overrides and isolates, U+2028/U+2029, zero-width characters, BOM) becomes
 * a visible {@code ⟨U+XXXX⟩}, so a token can never reorder or hide the text around it. A token shows
 * at most {@value #MAX_SHOWN} code points and then says how much was cut, so one enormous vocabulary
 * string cannot inflate every page, the index and the search data. HTML escaping is the template
 * engine's job, not this class's.
 */
public final class TokenText {
  /** The most code points a token shows (markers for invisible code points included), before "…⟨N more⟩". */
  public static final int MAX_SHOWN = 64;

  private final List<String> vocab;

  public TokenText(List<String> vocab) {
    this.vocab = List.copyOf(vocab);
  }

  public int size() {
    return vocab.size();
  }

  /** The shown text of token {@code id}; an id outside the vocabulary shows as "⟨id 123⟩". */
  public String show(int id) {
    if (id < 0 || id >= vocab.size()) {
      return "\u27E8id " + id + "\u27E9";
    }
    return visible(vocab.get(id));
  }

  /**
   * {@code raw} with newlines, tabs and invisible code points made visible, at most {@value #MAX_SHOWN}
   * code points of it; a longer token is cut before the piece that would pass the limit (a ⟨U+XXXX⟩ is
   * never split) and ends in "…⟨N more⟩", N being how many of the token's code points are not shown.
   */
  public static String visible(String raw) {
    return visible(raw, MAX_SHOWN);
  }

  /** {@link #visible(String)} with at most {@code max} code points shown (explanations show more than tokens). */
  public static String visible(String raw, int max) {
    StringBuilder out = new StringBuilder(Math.min(raw.length(), max) + 16);
    int shown = 0;
    int i = 0;
    while (i < raw.length()) {
      int cp = raw.codePointAt(i);
      String piece;
      if (cp == '\n') {
        piece = "\u21B5";
      } else if (cp == '\t') {
        piece = "\u21E5";
      } else if (invisible(cp)) {
        piece = String.format(java.util.Locale.ROOT, "\u27E8U+%04X\u27E9", cp);
      } else {
        piece = new String(Character.toChars(cp));
      }
      int length = piece.codePointCount(0, piece.length());
      if (shown + length > max) {
        return out.append("\u2026\u27E8").append(raw.codePointCount(i, raw.length())).append(" more\u27E9").toString();
      }
      out.append(piece);
      shown += length;
      i += Character.charCount(cp);
    }
    if (out.length() == 0) {
      return "\u2205";
    }
    return out.toString();
  }

  /**
   * Running text (notes): like {@link #visible} but line breaks and tabs stay as they are, so Markdown
   * still parses; bidi controls, U+2028/U+2029 and other invisible code points become ⟨U+XXXX⟩.
   */
  public static String visibleInText(String raw) {
    StringBuilder out = new StringBuilder(raw.length() + 4);
    raw.codePoints().forEach(cp -> {
      if (cp != '\n' && cp != '\r' && cp != '\t' && invisible(cp)) {
        out.append(String.format(java.util.Locale.ROOT, "\u27E8U+%04X\u27E9", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    return out.toString();
  }

  static boolean invisible(int cp) {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)
        || cp == 0x00AD
        || cp == 0x061C
        || (cp >= 0x200B && cp <= 0x200F)
        || (cp >= 0x2028 && cp <= 0x202E)
        || (cp >= 0x2060 && cp <= 0x2069)
        || cp == 0xFEFF
        || (cp >= 0xFDD0 && cp <= 0xFDEF)
        || (cp & 0xFFFE) == 0xFFFE
        || (cp >= 0xFFF9 && cp <= 0xFFFB)
        || Character.getType(cp) == Character.SURROGATE;
  }
}
