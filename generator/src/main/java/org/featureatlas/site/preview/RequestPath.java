package org.featureatlas.site.preview;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.featureatlas.site.SafePath;

/**
 * Turns the raw (still percent-encoded) path of a request into a site-relative file path, or
 * refuses it. Decoding happens exactly once; encoded dots, slashes, backslashes and NUL are refused
 * before decoding so that no second decoder elsewhere can turn them into {@code ..}. A path ending
 * in '/' names that directory's {@code index.html}. Hidden paths, with any segment that starts with
 * a dot ({@code /.git/config}, {@code /.env}, {@code /a/.hidden/x}, {@code /%2egit/x}), are never
 * served: see {@link #hidden(String)}.
 */
public record RequestPath(String file, boolean directory) {

  /** The site file for {@code rawPath}, or empty when the path is malformed or unsafe (answer 400). */
  public static Optional<RequestPath> parse(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return Optional.empty();
    }
    String lower = rawPath.toLowerCase(Locale.ROOT);
    for (String banned : new String[] {"%2e", "%2f", "%5c", "%00", "%25"}) {
      if (lower.contains(banned)) {
        return Optional.empty();
      }
    }
    Optional<String> decoded = decode(rawPath.substring(1));
    if (decoded.isEmpty()) {
      return Optional.empty();
    }
    String path = decoded.get();
    boolean directory = path.isEmpty() || path.endsWith("/");
    String file = directory ? path + "index.html" : path;
    return SafePath.isSafe(file) && !hasDotSegment(file) ? Optional.of(new RequestPath(file, directory))
        : Optional.empty();
  }

  /**
   * Whether {@code rawPath} names something hidden: a segment that starts with a dot, in the path as
   * sent or after percent-decoding (so {@code /%2egit/config} counts). The preview answers these
   * like a missing file (404), whatever else is wrong with the path.
   */
  public static boolean hidden(String rawPath) {
    if (rawPath == null) {
      return false;
    }
    if (hasDotSegment(rawPath) || hasDotSegment(rawPath.toLowerCase(Locale.ROOT).replace("%2e", "."))) {
      return true;
    }
    return decode(rawPath).map(RequestPath::hasDotSegment).orElse(false);
  }

  /** Whether some '/'-separated segment of {@code path} starts with '.' ({@code .} and {@code ..} included). */
  static boolean hasDotSegment(String path) {
    for (String segment : path.split("/", -1)) {
      if (segment.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Strict percent-decoding to UTF-8; a malformed escape or invalid UTF-8 is refused. */
  static Optional<String> decode(String s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return Optional.empty();
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c > 0x7f) {
        return Optional.empty();
      } else {
        bytes.write(c);
      }
    }
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
