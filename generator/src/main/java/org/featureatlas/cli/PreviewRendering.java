package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.featureatlas.check.AtlasException;

/**
 * The one seam between {@code atlas preview --data} and the templating stage: a function that
 * renders the site into memory. It runs only the templating stage, never the model.
 * INTEGRATION: once org.featureatlas.render is merged, the body of {@link #renderer} becomes
 * <pre>
 *   RenderOptions opts = new RenderOptions(data, notes, templates, statics, baseUrl);
 *   return () -&gt; { MemorySink sink = new MemorySink(); SiteRenderer.render(opts, sink); return sink.files(); };
 * </pre>
 */
final class PreviewRendering {
  private PreviewRendering() {}

  static Supplier<Map<String, byte[]>> renderer(Path data, Path notes, Path templates, Path statics, String baseUrl) {
    throw new AtlasException("preview --data: this build has no render stage yet; render the site and run "
        + "`atlas preview --site DIR`");
  }
}
