package org.featureatlas.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.featureatlas.check.Check;
import org.featureatlas.render.RenderOptions;
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
            + "never re-runs), and open pages reload themselves."})
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

  @Override
  public Integer call() throws InterruptedException {
    Check.that(port >= 0 && port <= 65535, "--port must be between 0 and 65535, got " + port);
    Check.that(site == null || data == null, "give either --site (serve a built site) or --data (render live), not both");
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
    PreviewServer server = PreviewServer.start(live, host, port, data != null);
    ChangeWatcher w = watcher;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (w != null) {
        w.close();
      }
      server.close();
    }, "atlas-preview-stop"));
    announce(server, System.out, System.err);
    server.join();
    return 0;
  }

  /** Prints where the preview is, and on {@code err} who else can reach it when that is not only this machine. */
  static void announce(PreviewServer server, PrintStream out, PrintStream err) {
    server.exposureWarning().ifPresent(err::println);
    err.flush();
    out.println("atlas: previewing at " + server.uri() + " (Ctrl-C stops)");
    out.flush();
  }
}
