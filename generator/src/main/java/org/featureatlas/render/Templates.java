package org.featureatlas.render;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.loader.FileLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;

/**
 * The Pebble engine over the templates directory: autoescape on (HTML strategy), strict variables,
 * newline trimming. Templates are compiled once and are safe to evaluate from several threads.
 */
final class Templates {
  static final String FEATURE = "feature.html";
  static final String INDEX = "index.html";
  static final String SEARCH = "search.html";
  static final String NOT_FOUND = "404.html";
  static final String PROMPT = "prompt.html";

  private final PebbleEngine engine;
  private final Path dir;

  Templates(Path dir) {
    this.dir = Check.directory(dir).toAbsolutePath();
    for (String name : new String[] {FEATURE, INDEX, SEARCH, NOT_FOUND, PROMPT}) {
      Check.readableFile(this.dir.resolve(name));
    }
    FileLoader loader = new FileLoader();
    loader.setPrefix(this.dir.toString());
    loader.setCharset("UTF-8");
    engine = new PebbleEngine.Builder()
        .loader(loader)
        .autoEscaping(true)
        .defaultEscapingStrategy("html")
        .strictVariables(true)
        .newLineTrimming(true)
        .defaultLocale(Locale.ROOT)
        .cacheActive(true)
        .build();
  }

  String render(String name, Map<String, Object> context) {
    try {
      PebbleTemplate t = engine.getTemplate(name);
      StringWriter out = new StringWriter(64 * 1024);
      t.evaluate(out, context, Locale.ROOT);
      return out.toString();
    } catch (PebbleException e) {
      throw new AtlasException(dir.resolve(name) + ": template error (" + oneLine(e.getMessage()) + ")", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String oneLine(String m) {
    return m == null ? "" : m.replace('\n', ' ');
  }
}
