package org.featureatlas.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.IoErrors;
import org.featureatlas.fs.OutputGuard;
import org.featureatlas.progress.Stages;
import org.featureatlas.render.DiskSink;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.render.SiteRenderer;

/**
 * Rendering a site to disk, shared by {@code render} and {@code build}: the output directory is replaced
 * as a whole, so it must not hold an input (nor be the current directory), and an existing one must be
 * empty, a previous site (it has .nojekyll) or hold only a .gitkeep placeholder. A git checkout (it has
 * .git) is refused: {@code atlas publish} puts a site on a branch. A .gitkeep placeholder and a CNAME
 * file (GitHub Pages' custom domain) are carried over.
 */
final class SiteOutput {
  /** An empty placeholder some repositories keep in the output directory; carried over when present. */
  static final String GITKEEP = ".gitkeep";

  /** Files of the old site that the new one keeps (rendering never writes them). */
  static final List<String> KEPT = List.of(GITKEEP, "CNAME");

  /** What {@code render} may replace. */
  static final OutputGuard.Kind SITE = names -> {
    if (names.contains(".git")) {
      return "is a git checkout (it holds .git), which rendering would replace; render into another directory"
          + " and use `atlas publish --site DIR` to put the site on a branch";
    }
    boolean site = names.contains(".nojekyll") || names.equals(Set.of(GITKEEP));
    return site ? null : "exists and is not an atlas site (no .nojekyll); remove it or choose another directory";
  };

  private SiteOutput() {}

  /** Fails unless {@code out} may be replaced by a site rendered with {@code o}. */
  static void check(RenderOptions o, Path out) {
    List<Path> inputs = new java.util.ArrayList<>(List.of(o.dataDir(), o.notesDir(), o.templatesDir(), o.staticDir()));
    inputs.addAll(o.explanationPaths());
    OutputGuard.check(out, SITE, inputs);
  }

  /** Checks {@code out}, renders into it atomically and returns where the site went. */
  static Path write(RenderOptions o, Path out, int threads, Stages stages) {
    check(o, out);
    Map<String, byte[]> kept = kept(out);
    try (DiskSink sink = DiskSink.open(out)) {
      stages.run("render", () -> SiteRenderer.render(o, sink, threads, true));
      kept.forEach(sink::put);
      stages.run("commit site", sink::commit);
      return sink.target();
    }
  }

  /** The {@link #KEPT} files of the site in {@code out} that are regular files, by name. */
  private static Map<String, byte[]> kept(Path out) {
    Map<String, byte[]> kept = new LinkedHashMap<>();
    for (String name : KEPT) {
      Path file = out.resolve(name);
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        try {
          kept.put(name, Files.readAllBytes(file));
        } catch (IOException e) {
          throw IoErrors.reading(file, e);
        }
      }
    }
    return kept;
  }
}
