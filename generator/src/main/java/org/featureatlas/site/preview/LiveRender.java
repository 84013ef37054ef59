package org.featureatlas.site.preview;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Re-renders a site into memory and swaps it into a {@link LiveSite}. The render function runs only
 * the templating stage (never the model). A failed render keeps the previous site and reports one
 * line on standard error, so a typo in a template never takes the preview down.
 */
public final class LiveRender implements Runnable {
  private final Supplier<Map<String, byte[]>> render;
  private final LiveSite site;

  public LiveRender(Supplier<Map<String, byte[]>> render, LiveSite site) {
    this.render = render;
    this.site = site;
  }

  /** Renders once; returns true when the site was replaced. */
  public boolean renderNow() {
    long start = System.nanoTime();
    Map<String, byte[]> files;
    try {
      files = render.get();
    } catch (RuntimeException e) {
      System.err.println("atlas: preview: re-render failed, still serving the previous site: "
          + String.valueOf(e.getMessage()).replace('\n', ' '));
      return false;
    }
    site.replace(new MemorySource(files));
    System.err.printf("atlas: preview: re-rendered %d files in %.2f s (site version %d)%n",
        files.size(), (System.nanoTime() - start) / 1e9, site.version());
    return true;
  }

  @Override
  public void run() {
    renderNow();
  }
}
