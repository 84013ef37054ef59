package org.featureatlas.render;

import java.nio.file.Path;

/**
 * What to render: the data directory, the notes directory (may not exist: no notes), the templates
 * and static directories, and the base URL used only where relative links cannot work (404.html):
 * empty, or a path such as "/my-repo/" (always ends with '/').
 */
public record RenderOptions(Path dataDir, Path notesDir, Path templatesDir, Path staticDir, String baseUrl) {

  public RenderOptions {
    baseUrl = normaliseBase(baseUrl);
  }

  /** Defaults: notes in {@code <data>/notes}, templates and static under {@code ${atlas.home}}. */
  public static RenderOptions defaults(Path dataDir) {
    Path home = atlasHome();
    return new RenderOptions(dataDir, dataDir.resolve("notes"), home.resolve("templates"), home.resolve("static"), "");
  }

  public RenderOptions withNotesDir(Path dir) {
    return new RenderOptions(dataDir, dir, templatesDir, staticDir, baseUrl);
  }

  public RenderOptions withTemplatesDir(Path dir) {
    return new RenderOptions(dataDir, notesDir, dir, staticDir, baseUrl);
  }

  public RenderOptions withStaticDir(Path dir) {
    return new RenderOptions(dataDir, notesDir, templatesDir, dir, baseUrl);
  }

  public RenderOptions withBaseUrl(String url) {
    return new RenderOptions(dataDir, notesDir, templatesDir, staticDir, url);
  }

  /** {@code atlas.home} system property, else the current directory. */
  public static Path atlasHome() {
    String home = System.getProperty("atlas.home");
    return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
  }

  private static String normaliseBase(String url) {
    if (url == null || url.isBlank()) {
      return "";
    }
    String u = url.strip();
    return u.endsWith("/") ? u : u + "/";
  }
}
