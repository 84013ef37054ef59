package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.featureatlas.progress.Stages;
import org.featureatlas.render.RenderOptions;
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
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    Stages stages = new Stages();
    System.out.println("site written to " + SiteOutput.write(opts, out, n, stages));
    stages.print(System.err);
    return 0;
  }
}
