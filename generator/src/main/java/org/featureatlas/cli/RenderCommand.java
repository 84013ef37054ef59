package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.featureatlas.check.Check;
import org.featureatlas.progress.Stages;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.site.SiteSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code atlas render}: a data directory in, a static site out (written atomically). */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = "Renders the static site (feature pages, index, search, notes, explanations) from a data directory.")
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

  @Mixin
  ExplanationOptions explanations;

  @Option(names = "--templates", paramLabel = "DIR", description = "Templates (default: ATLAS_HOME/templates).")
  Path templates;

  @Option(names = "--static", paramLabel = "DIR", description = "Scripts and styles (default: ATLAS_HOME/static).")
  Path assets;

  @Option(names = "--threads", paramLabel = "N", description = "Page workers (default: one per processor).")
  Integer threads;

  @Option(names = "--features", paramLabel = "A:B", description = "Only features A (inclusive) to B (exclusive), "
      + "e.g. 0:65536: one of several sites of an atlas too large for one (A or B may be left out).")
  String features;

  @Option(names = "--b-site", paramLabel = "PATH", description = "Encoder B's atlas, as a relative path from this "
      + "site's root (e.g. ../atlas-b/): B's feature ids link to its pages. Without it they are plain text.")
  String bSite;

  @Override
  public Integer call() {
    RenderOptions opts = RenderOptions.defaults(data).withBaseUrl(baseUrl);
    if (notes != null) {
      opts = opts.withNotesDir(notes);
    }
    opts = explanations.apply(opts);
    if (templates != null) {
      opts = opts.withTemplatesDir(templates);
    }
    if (assets != null) {
      opts = opts.withStaticDir(assets);
    }
    if (features != null) {
      int[] range = featureRange(features);
      opts = opts.withFeatures(range[0], range[1]);
    }
    if (bSite != null) {
      opts = opts.withBSite(bSite);
    }
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    Stages stages = new Stages();
    Path written = SiteOutput.write(opts, out, n, stages);
    SiteSize size = SiteSize.of(written);
    System.out.println("site written to " + written + ": " + size.describe()
        + (size.bytes() > SiteSize.GITHUB_PAGES_LIMIT ? " (over GitHub Pages' 1 GB limit; see --features)" : ""));
    stages.print(System.err);
    return 0;
  }

  /** "A:B", "A:" or ":B" as {from, to}; one line naming the option on anything else. */
  static int[] featureRange(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{0,9}):(\\d{0,9})").matcher(text.strip());
    Check.that(m.matches(), "--features must be A:B (feature indices, B exclusive), got: " + text);
    int from = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
    int to = m.group(2).isEmpty() ? RenderOptions.ALL : Integer.parseInt(m.group(2));
    Check.that(from < to, "--features " + text + " is empty: A must be below B");
    return new int[] {from, to};
  }
}
