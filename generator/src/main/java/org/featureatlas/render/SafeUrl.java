package org.featureatlas.render;

import java.util.Locale;
import java.util.Set;

/**
 * Judges a link or image target the way a browser reads it. The value given is the attribute value
 * after HTML parsing (character references already decoded, which is what jsoup hands over); from it
 * the scheme is found as the WHATWG URL parser finds it: leading and trailing C0 controls and spaces
 * are stripped, every ASCII tab and newline is removed wherever it is, and a scheme is an ASCII letter
 * followed by letters, digits, '+', '-' or '.', up to the first ':'. Anything else (no ':', or another
 * character first, such as '/', '%' or '&') makes the value relative to the page. Percent-encoding is
 * never decoded in a scheme, so {@code javascript%3A...} is a relative path.
 *
 * <p>Links may be relative or use http, https or mailto; images relative, http or https. Everything
 * else (javascript:, vbscript:, data:, file:, blob:, ...) is refused.
 */
final class SafeUrl {
  /** Where a target is used. */
  enum Use {
    LINK(Set.of("http", "https", "mailto")),
    IMAGE(Set.of("http", "https"));

    private final Set<String> schemes;

    Use(Set<String> schemes) {
      this.schemes = schemes;
    }
  }

  private SafeUrl() {}

  /** True when a browser would follow or load {@code value} only over an allowed scheme (or relatively). */
  static boolean allowed(String value, Use use) {
    if (value == null) {
      return false;
    }
    String scheme = scheme(value);
    return scheme == null || use.schemes.contains(scheme);
  }

  /** The scheme a browser reads from {@code value}, lower case, or null when the value is relative. */
  static String scheme(String value) {
    String s = browserForm(value);
    if (s.isEmpty() || !asciiAlpha(s.charAt(0))) {
      return null;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ':') {
        return s.substring(0, i).toLowerCase(Locale.ROOT);
      }
      if (!asciiAlpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
        return null;
      }
    }
    return null;
  }

  /** {@code value} with leading/trailing C0 controls and spaces stripped and every tab, LF and CR removed. */
  static String browserForm(String value) {
    int from = 0;
    int to = value.length();
    while (from < to && value.charAt(from) <= 0x20) {
      from++;
    }
    while (to > from && value.charAt(to - 1) <= 0x20) {
      to--;
    }
    StringBuilder out = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (c != '\t' && c != '\n' && c != '\r') {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean asciiAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
