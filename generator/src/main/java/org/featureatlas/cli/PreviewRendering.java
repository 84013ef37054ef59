package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.featureatlas.check.AtlasException;

/**
 * The one seam between {@code atlas preview --data} and the templating stage: a function that
 * renders the site into memory. It runs only the templating stage, never the model.
 * INTEGRATION: replace the body of {@link #renderer} with a call to the render stage's
 * {@code SiteRenderer.render(new RenderOptions(...), memorySink)} returning {@code memorySink.files()}.
 */
final class PreviewRendering {
  private PreviewRendering() {}

  static Supplier<Map<String, byte[]>> renderer(Path data, Path notes, Path templates, Path statics, String baseUrl) {
    throw new AtlasException("preview --data: this build has no render stage yet; render the site and run "
        + "`atlas preview --site DIR`");
  }
}
