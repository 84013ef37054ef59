package org.featureatlas.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import java.util.concurrent.Callable;
import org.featureatlas.progress.Stages;
import org.featureatlas.render.DiskSink;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.render.SiteRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atlas render}: a data directory in, a static site out (written atomically). */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = "Renders the static site (feature pages, index, search, notes) from a data directory.")
public final class RenderCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data directory.")
  Path data;

  @Option(names = "--out", defaultValue = "site-out", paramLabel = "DIR",
      description = "Where the site goes; replaced atomically when done (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--base-url", defaultValue = "", paramLabel = "PATH",
      description = "Where the site will be served, e.g. /my-repo/ on GitHub Pages; used only by 404.html.")
  String baseUrl;

  @Option(names = "--notes", paramLabel = "DIR", description = "Notes directory (default: DATA/notes).")
  Path notes;

  @Option(names = "--templates", paramLabel = "DIR", description = "Templates (default: ATLAS_HOME/templates).")
  Path templates;

  @Option(names = "--static", paramLabel = "DIR", description = "Scripts and styles (default: ATLAS_HOME/static).")
  Path assets;

  @Option(names = "--threads", paramLabel = "N", description = "Page workers (default: one per processor).")
  Integer threads;

  /** An empty placeholder some repositories keep in the output directory; carried over when present. */
  static final String GITKEEP = ".gitkeep";

  /**
   * The output directory is replaced as a whole, so it must not hold an input, and an existing one must be
   * empty, a previous site (it has .nojekyll) or hold only a .gitkeep placeholder.
   */
  private void checkOutput(RenderOptions o) {
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

  @Override
  public Integer call() {
    RenderOptions opts = RenderOptions.defaults(data).withBaseUrl(baseUrl);
    if (notes != null) {
      opts = opts.withNotesDir(notes);
    }
    if (templates != null) {
      opts = opts.withTemplatesDir(templates);
    }
    if (assets != null) {
      opts = opts.withStaticDir(assets);
    }
    RenderOptions o = opts;
    checkOutput(o);
    boolean keepPlaceholder = Files.isRegularFile(out.resolve(GITKEEP));
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    Stages stages = new Stages();
    try (DiskSink sink = DiskSink.open(out)) {
      stages.run("render", () -> SiteRenderer.render(o, sink, n, true));
      if (keepPlaceholder) {
        sink.put(GITKEEP, new byte[0]);
      }
      stages.run("commit", sink::commit);
      System.out.println("site written to " + sink.target());
    }
    stages.print(System.err);
    return 0;
  }
}
