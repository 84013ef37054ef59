package org.featureatlas.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.featureatlas.check.Check;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Manifest;
import org.featureatlas.generate.PromptModel;
import org.featureatlas.site.preview.PromptApi;
import org.featureatlas.site.preview.RunQueue;
import org.featureatlas.site.preview.ChangeWatcher;
import org.featureatlas.site.preview.DirectorySource;
import org.featureatlas.site.preview.LiveRender;
import org.featureatlas.site.preview.LiveSite;
import org.featureatlas.site.preview.MemorySource;
import org.featureatlas.site.preview.PreviewServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code atlas preview}: serves a built site, or renders one from a data directory and re-renders on edits. */
@Command(name = "preview", mixinStandardHelpOptions = true,
    description = {"Serves the atlas on this machine (loopback only unless --host says otherwise).",
        "With --site it serves a built site as it is on disk. With --data it renders the site into memory, "
            + "re-renders when files under the templates, static or notes directories or the explanations change (the model "
            + "never re-runs), and open pages reload themselves. With --model and --sae, the page prompt.html runs "
            + "the model and SAE on a text you type (the prompt view)."})
public final class PreviewCommand implements Callable<Integer> {
  @Option(names = "--site", paramLabel = "DIR", description = "Built site to serve (default: <atlas home>/site-out).")
  Path site;

  @Option(names = "--data", paramLabel = "DIR", description = "Data directory to render and serve live, instead of --site.")
  Path data;

  @Option(names = "--templates", paramLabel = "DIR", description = "Templates (with --data; default: <atlas home>/templates).")
  Path templates;

  @Option(names = "--static", paramLabel = "DIR", description = "Static assets (with --data; default: <atlas home>/static).")
  Path statics;

  @Option(names = "--notes", paramLabel = "DIR", description = "Researcher's notes (with --data; default: DIR/notes of --data).")
  Path notes;

  @Mixin
  ExplanationOptions explanations;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = PreviewServer.DEFAULT_HOST,
      description = "Interface to listen on (default: ${DEFAULT-VALUE}, this machine only). "
          + "0.0.0.0 exposes the preview to your network; any address other than loopback prints a warning.")
  String host;

  @Option(names = "--port", paramLabel = "N", defaultValue = "" + PreviewServer.DEFAULT_PORT,
      description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--model", paramLabel = "DIR", description = "Model checkpoint for the prompt view (with --sae): the "
      + "page prompt.html then runs the model and SAE on a text you type.")
  Path model;

  @Option(names = "--sae", paramLabel = "DIR", description = "SAE for the prompt view (with --model).")
  Path sae;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu",
      description = "Where the prompt view's model runs (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--keep-bos", description = "Prompt view: keep the BOS position's activations. By default they are left "
      + "out as generation leaves them out (with --data, as its manifest says).")
  boolean keepBos;

  @Option(names = "--center-writing-weights", paramLabel = "true|false", arity = "1",
      description = "Prompt view: override the centring rule (with --data, its manifest's choice is the default).")
  Boolean centre;

  @Override
  public Integer call() throws InterruptedException {
    Check.that(port >= 0 && port <= 65535, "--port must be between 0 and 65535, got " + port);
    Check.that(site == null || data == null, "give either --site (serve a built site) or --data (render live), not both");
    Check.that((model == null) == (sae == null), "the prompt view needs both --model and --sae");
    Path home = Path.of(System.getProperty("atlas.home", "."));
    LiveSite live;
    ChangeWatcher watcher = null;
    if (data != null) {
      Check.directory(data);
      Path t = templates != null ? templates : home.resolve("templates");
      Path s = statics != null ? statics : home.resolve("static");
      Path n = notes != null ? notes : data.resolve("notes");
      RenderOptions opts = explanations.apply(new RenderOptions(data, n, t, s, "/"));
      Supplier<Map<String, byte[]>> render = PreviewRendering.renderer(opts);
      live = new LiveSite(new MemorySource(Map.of()));
      LiveRender rerender = new LiveRender(render, live);
      Check.that(rerender.renderNow(), data + ": the site could not be rendered (see above)");
      List<Path> watched = new java.util.ArrayList<>(List.of(t, s, n));
      watched.addAll(opts.explanationPaths());
      watcher = ChangeWatcher.start(watched, 200, rerender);
    } else {
      Path dir = site != null ? site : home.resolve("site-out");
      live = new LiveSite(new DirectorySource(dir));
    }
    PromptModel prompt = model == null ? null : loadPromptModel();
    PreviewServer server = PreviewServer.start(live, host, port, data != null,
        prompt == null ? null : new PromptApi(prompt, new RunQueue(PromptApi.DEFAULT_WAITING)));
    ChangeWatcher w = watcher;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (w != null) {
        w.close();
      }
      server.close();
      if (prompt != null) {
        prompt.close();
      }
    }, "atlas-preview-stop"));
    announce(server, System.out, System.err);
    server.join();
    return 0;
  }

  /**
   * The prompt view's model. With --data, the BOS and centring choices default to those its manifest records, so the
   * prompt view's numbers are the atlas's.
   */
  private PromptModel loadPromptModel() {
    Boolean centring = centre;
    boolean keep = keepBos;
    if (data != null) {
      Manifest manifest = DataDir.readManifest(data);
      Object c = manifest.settings() == null ? null : manifest.settings().get("center_writing_weights");
      if (centring == null && c instanceof Boolean b) centring = b;
      Object e = manifest.settings() == null ? null : manifest.settings().get("exclude_bos");
      if (!keep && Boolean.FALSE.equals(e)) keep = true;
    }
    System.out.println("atlas: loading the model and SAE for the prompt view");
    PromptModel loaded = PromptModel.load(model, sae, centring, keep, device);
    System.out.println("atlas: prompt view: " + loaded.modelName() + " / " + loaded.saeName() + " at " + loaded.hook());
    return loaded;
  }

  /** Prints where the preview is, and on {@code err} who else can reach it when that is not only this machine. */
  static void announce(PreviewServer server, PrintStream out, PrintStream err) {
    server.exposureWarning().ifPresent(err::println);
    err.flush();
    out.println("atlas: previewing at " + server.uri() + " (Ctrl-C stops)");
    out.flush();
  }
}
