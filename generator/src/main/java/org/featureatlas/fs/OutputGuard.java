package org.featureatlas.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.featureatlas.check.AtlasException;

/**
 * Decides, before any work, whether a command may replace its output directory as a whole. It refuses
 * (one-line {@link AtlasException}) an output that is the root, the current directory or one above it,
 * an input or a directory holding an input, a symbolic link, something other than a directory, or an
 * existing directory that its {@link Kind} does not recognise as its own (data directory, shard directory,
 * site). A missing or empty directory may always be written.
 */
public final class OutputGuard {
  /** What a command writes; it says whether a directory holding the given entry names may be replaced. */
  @FunctionalInterface
  public interface Kind {
    /** Null when a directory holding exactly {@code names} (non-empty) may be replaced, else why not. */
    String refusal(Set<String> names);

    /**
     * A directory holding {@code marker} and nothing but {@code names} (which include the marker): what the
     * command itself writes, plus entries it carries over.
     */
    static Kind owning(String what, String marker, Set<String> names) {
      return present -> {
        if (!present.contains(marker)) {
          return "exists and is not " + what + " (no " + marker + "; it holds " + sample(present) + ");"
              + " remove it or choose another directory";
        }
        Set<String> foreign = new TreeSet<>(present);
        foreign.removeAll(names);
        return foreign.isEmpty() ? null : "is not only " + what + " (it also holds " + sample(foreign) + ");"
            + " remove those or choose another directory";
      };
    }
  }

  private OutputGuard() {}

  /** Fails unless {@code out} may be replaced by output of kind {@code kind}; null inputs are skipped. */
  public static void check(Path out, Kind kind, Collection<Path> inputs) {
    check(out, kind, inputs, Path.of("").toAbsolutePath());
  }

  static void check(Path out, Kind kind, Collection<Path> inputs, Path cwd) {
    Path target = out.toAbsolutePath().normalize();
    if (target.getParent() == null) {
      throw new AtlasException(out + ": is the root of the file system; choose a new directory below it");
    }
    Path cwdAbs = cwd.toAbsolutePath().normalize();
    if (cwdAbs.startsWith(target) || real(cwdAbs).startsWith(real(target))) {
      throw new AtlasException(out + ": is the current directory or contains it, and would be replaced as a whole;"
          + " choose a new directory");
    }
    for (Path input : inputs) {
      if (input == null) {
        continue;
      }
      Path in = input.toAbsolutePath().normalize();
      if (in.startsWith(target) || real(in).startsWith(real(target))) {
        throw new AtlasException(out + ": would replace an input (" + input + "); choose another directory");
      }
    }
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isSymbolicLink(target)) {
      throw new AtlasException(out + ": is a symbolic link; name a directory, not a link to one");
    }
    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new AtlasException(out + ": exists and is not a directory; choose a new directory");
    }
    Set<String> names;
    try (Stream<Path> s = Files.list(target)) {
      names = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new AtlasException(out + ": cannot list (" + e.getMessage() + ")", e);
    }
    if (names.isEmpty()) {
      return;
    }
    String refusal = kind.refusal(names);
    if (refusal != null) {
      throw new AtlasException(out + ": " + refusal);
    }
  }

  /** The real path of {@code p}, or of its nearest existing ancestor with the rest appended. */
  static Path real(Path p) {
    Path rest = p.getFileSystem().getPath("");
    for (Path at = p; at != null; at = at.getParent()) {
      try {
        return at.toRealPath().resolve(rest);
      } catch (IOException e) {
        rest = Objects.requireNonNull(at.getFileName()).resolve(rest);
      }
    }
    return p;
  }

  /** The first few names, and how many more. */
  private static String sample(Set<String> names) {
    String list = names.stream().limit(3).collect(Collectors.joining(", "));
    return names.size() > 3 ? list + " and " + (names.size() - 3) + " more" : list;
  }
}
