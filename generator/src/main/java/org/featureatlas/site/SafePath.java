package org.featureatlas.site;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a relative path that comes from outside (a URL, an archive entry, a link) before it is
 * joined to a directory. A safe path is '/'-separated, relative, and has no empty, {@code .} or
 * {@code ..} segment, no backslash, no control character (NUL included) and no drive letter.
 */
public final class SafePath {
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  private SafePath() {}

  /** Why {@code relative} is not safe to join to a directory, or empty when it is. */
  public static Optional<String> problem(String relative) {
    if (relative == null || relative.isEmpty()) {
      return Optional.of("empty path");
    }
    if (relative.startsWith("/")) {
      return Optional.of("absolute path");
    }
    if (DRIVE.matcher(relative).matches()) {
      return Optional.of("drive-letter path");
    }
    for (int i = 0; i < relative.length(); i++) {
      char c = relative.charAt(i);
      if (c == '\\') {
        return Optional.of("backslash in path");
      }
      if (c < 0x20 || c == 0x7f) {
        return Optional.of("control character in path");
      }
    }
    for (String segment : relative.split("/", -1)) {
      if (segment.isEmpty()) {
        return Optional.of("empty path segment");
      }
      if (segment.equals(".") || segment.equals("..")) {
        return Optional.of("'" + segment + "' segment in path");
      }
    }
    return Optional.empty();
  }

  public static boolean isSafe(String relative) {
    return problem(relative).isEmpty();
  }

  /**
   * Joins a safe relative path to {@code root}, and checks again, lexically, that the result stays
   * under root. Throws {@link IllegalArgumentException} for an unsafe path.
   */
  public static Path resolve(Path root, String relative) {
    Optional<String> problem = problem(relative);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get() + ": " + relative);
    }
    Path base = root.toAbsolutePath().normalize();
    Path resolved = base.resolve(relative).normalize();
    if (!resolved.startsWith(base) || resolved.equals(base)) {
      throw new IllegalArgumentException("path leaves its directory: " + relative);
    }
    return resolved;
  }
}
