package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.featureatlas.render.MemorySink;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.render.SiteRenderer;

/**
 * The one seam between {@code atlas preview --data} and the templating stage: a function that
 * renders the site into memory. It runs only the templating stage, never the model.
 */
final class PreviewRendering {
  private PreviewRendering() {}

  static Supplier<Map<String, byte[]>> renderer(Path data, Path notes, Path templates, Path statics, String baseUrl) {
    return renderer(new RenderOptions(data, notes, templates, statics, baseUrl));
  }

  static Supplier<Map<String, byte[]>> renderer(RenderOptions opts) {
    return () -> {
      MemorySink sink = new MemorySink();
      SiteRenderer.render(opts, sink);
      return sink.files();
    };
  }
}
