package org.featureatlas.render.explain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.render.TokenText;

/**
 * Every feature's explanations, read from files and folders ({@link ExplanationFile} reads one file). A feature's
 * explanations keep the order they were read in: the paths in the order given, a folder's files by name (runs of
 * digits compared as numbers, so {@code batch-2} comes before {@code batch-10}), each file from its first line to
 * its last. Bad rows are skipped with a warning naming the file and line; a path that does not exist or cannot be
 * read stops the load with one line.
 */
public final class Explanations {
  /** The folder inside a data directory read when no path is given (like notes/). */
  public static final String FOLDER = "explanations";
  /** The most code points an explanation shows, markers for invisible code points included, before "…⟨N more⟩". */
  public static final int MAX_SHOWN = 500;

  private static final Pattern WHITESPACE = Pattern.compile("[\\s\\u0085\\u2028\\u2029]+");
  private static final Explanations NONE = new Explanations(Map.of(), 0);

  private final Map<Integer, List<Explanation>> byFeature;
  private final int count;

  private Explanations(Map<Integer, List<Explanation>> byFeature, int count) {
    this.byFeature = byFeature;
    this.count = count;
  }

  public static Explanations none() {
    return NONE;
  }

  /**
   * Reads every explanations file of {@code paths} (a file, or a folder whose {@code .jsonl}, {@code .csv},
   * {@code .jsonl.gz} and {@code .csv.gz} files are read; other files in it are ignored). A path that does not
   * exist is an error unless {@code optional} (the data directory's default folder). Features must be below
   * {@code dSae}; with a {@code source}, only its rows of Neuronpedia exports are kept. Warnings go to {@code warn}.
   */
  public static Explanations load(List<Path> paths, boolean optional, int dSae, Source source, Consumer<String> warn) {
    List<Path> files = files(paths, optional);
    if (files.isEmpty()) {
      return NONE;
    }
    Map<Integer, List<Explanation>> byFeature = new HashMap<>();
    int[] count = {0};
    for (Path file : files) {
      ExplanationFile.read(file, dSae, source, warn, (feature, e) -> {
        byFeature.computeIfAbsent(feature, k -> new ArrayList<>(1)).add(e);
        count[0]++;
      });
    }
    return new Explanations(byFeature, count[0]);
  }

  /** The explanations files of {@code paths}, in reading order (see {@link #load}). */
  public static List<Path> files(List<Path> paths, boolean optional) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (optional && !Files.exists(p)) {
        continue;
      }
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> ExplanationFile.kind(f) != null && Files.isRegularFile(f))
              .sorted(Comparator.comparing(f -> f.getFileName().toString(), Explanations::compareNames))
              .forEach(files::add);
        } catch (IOException e) {
          throw new AtlasException(p + ": cannot list explanations (" + e.getMessage() + ")", e);
        }
      } else {
        Check.readableFile(p);
        Check.file(ExplanationFile.kind(p) != null, p,
            "not an explanations file (its name must end in .jsonl, .csv, .jsonl.gz or .csv.gz)");
        files.add(p);
      }
    }
    return files;
  }

  /** Feature {@code index}'s explanations in reading order; empty when it has none. */
  public List<Explanation> of(int index) {
    return byFeature.getOrDefault(index, List.of());
  }

  /** How many explanations were read, over all features. */
  public int count() {
    return count;
  }

  /** How many features have at least one explanation. */
  public int features() {
    return byFeature.size();
  }

  /**
   * How an explanation's text is shown: runs of white space (line breaks and tabs included) become one space, the
   * ends are trimmed, invisible and direction-changing code points show as ⟨U+XXXX⟩ ({@link TokenText#visible}),
   * and at most {@value #MAX_SHOWN} code points are shown, then "…⟨N more⟩". HTML escaping is the template's job.
   */
  public static String shown(String raw) {
    return TokenText.visible(WHITESPACE.matcher(raw).replaceAll(" ").strip(), MAX_SHOWN);
  }

  /** File names compared with runs of digits as numbers (batch-2 before batch-10), then as plain strings. */
  static int compareNames(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (x >= '0' && x <= '9' && y >= '0' && y <= '9') {
        int si = i;
        int sj = j;
        while (i < a.length() && a.charAt(i) >= '0' && a.charAt(i) <= '9') {
          i++;
        }
        while (j < b.length() && b.charAt(j) >= '0' && b.charAt(j) <= '9') {
          j++;
        }
        String da = a.substring(si, i).replaceFirst("^0+(?=.)", "");
        String db = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
        int c = da.length() != db.length() ? Integer.compare(da.length(), db.length()) : da.compareTo(db);
        if (c != 0) {
          return c;
        }
      } else {
        if (x != y) {
          return Character.compare(x, y);
        }
        i++;
        j++;
      }
    }
    int c = Integer.compare(a.length() - i, b.length() - j);
    return c != 0 ? c : a.compareTo(b);
  }
}
