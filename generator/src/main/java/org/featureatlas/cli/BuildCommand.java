package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.featureatlas.check.Check;
import org.featureatlas.generate.Generation;
import org.featureatlas.progress.Stages;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.render.explain.Explanations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code atlas build}: generate, then render, in one command. */
@Command(name = "build", mixinStandardHelpOptions = true,
    description = {"Runs `atlas generate` into the data directory, then `atlas render` into the site directory.",
        "Both are written atomically; notes in DATA/notes (or --notes) and explanations in DATA/explanations (or",
        "--explanations) are rendered with the site, and both folders are kept when DATA is regenerated. DATA must",
        "be new, empty or a previous data directory; the site directory must be new, empty, a previous site or hold",
        "only .gitkeep (kept, like CNAME)."})
public final class BuildCommand implements Callable<Integer> {
  @Mixin
  GenerateOptions inputs;

  @Option(names = "--data", defaultValue = "build/atlas-data", paramLabel = "DIR",
      description = "Data directory to write (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--site", defaultValue = "site-out", paramLabel = "DIR",
      description = "Site directory to write (default: ${DEFAULT-VALUE}).")
  Path site;

  @Option(names = "--notes", paramLabel = "DIR", description = "Notes directory (default: DATA/notes).")
  Path notes;

  @Mixin
  ExplanationOptions explanations;

  @Option(names = "--base-url", defaultValue = "", paramLabel = "PATH",
      description = "Where the site will be served, e.g. /my-repo/ on GitHub Pages; used only by 404.html.")
  String baseUrl;

  @Override
  public Integer call() {
    RenderOptions opts = RenderOptions.defaults(data).withBaseUrl(baseUrl);
    if (notes != null) {
      opts = opts.withNotesDir(notes);
    }
    opts = explanations.apply(opts);
    Explanations.files(opts.explanations(), false); // a missing --explanations file stops the build before the model runs
    SiteOutput.check(opts, site); // before the model runs, not after (generation checks --data first thing)
    Check.that(!site.toAbsolutePath().normalize().startsWith(data.toAbsolutePath().normalize()),
        "--site " + site + " is inside --data " + data + ", which generation replaces; choose another site directory");
    Stages stages = new Stages();
    new Generation(stages, System.out, inputs.budget()).run(inputs.request(), data);
    System.out.println("site written to " + SiteOutput.write(opts, site, Runtime.getRuntime().availableProcessors(), stages));
    stages.print(System.out);
    return 0;
  }
}
