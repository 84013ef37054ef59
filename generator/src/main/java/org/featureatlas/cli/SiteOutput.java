package org.featureatlas.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.progress.Stages;
import org.featureatlas.render.DiskSink;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.render.SiteRenderer;

/**
 * Rendering a site to disk, shared by {@code render} and {@code build}: the output directory is replaced
 * as a whole, so it must not hold an input, and an existing one must be empty, a previous site (it has
 * .nojekyll) or hold only a .gitkeep placeholder, which is carried over.
 */
final class SiteOutput {
  /** An empty placeholder some repositories keep in the output directory; carried over when present. */
  static final String GITKEEP = ".gitkeep";

  private SiteOutput() {}

  /** Fails unless {@code out} may be replaced by a site rendered with {@code o}. */
  static void check(RenderOptions o, Path out) {
    Path target = out.toAbsolutePath().normalize();
    for (Path input : new Path[] {o.dataDir(), o.notesDir(), o.templatesDir(), o.staticDir()}) {
      Path in = input.toAbsolutePath().normalize();
      Check.that(!in.startsWith(target), "--out " + out + " would replace an input (" + input + "); choose another directory");
    }
    if (Files.exists(target)) {
      Check.file(Files.isDirectory(target), target, "--out exists and is not a directory");
      try (Stream<Path> s = Files.list(target)) {
        List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
        boolean site = names.isEmpty() || names.contains(".nojekyll") || names.equals(List.of(GITKEEP));
        Check.file(site, target, "--out exists and is not an atlas site (no .nojekyll); remove it or choose another directory");
      } catch (IOException e) {
        throw new AtlasException(target + ": cannot list (" + e.getMessage() + ")", e);
      }
    }
  }

  /** Checks {@code out}, renders into it atomically and returns where the site went. */
  static Path write(RenderOptions o, Path out, int threads, Stages stages) {
    check(o, out);
    boolean keepPlaceholder = Files.isRegularFile(out.resolve(GITKEEP));
    try (DiskSink sink = DiskSink.open(out)) {
      stages.run("render", () -> SiteRenderer.render(o, sink, threads, true));
      if (keepPlaceholder) {
        sink.put(GITKEEP, new byte[0]);
      }
      stages.run("commit site", sink::commit);
      return sink.target();
    }
  }
}
