package org.featureatlas.render;

import java.nio.file.Path;
import java.util.List;
import org.featureatlas.render.explain.Explanations;
import org.featureatlas.render.explain.Source;

/**
 * What to render: the data directory, the notes directory (may not exist: no notes), the templates
 * and static directories, and the base URL used only where relative links cannot work (404.html):
 * empty, or a path such as "/my-repo/" (always ends with '/'), and the features to render
 * ({@code featureFrom} inclusive to {@code featureTo} exclusive; all by default), and where encoder B's
 * atlas is ({@code bSite}: a relative path from this site's root to B's, ending in '/', or empty when B's atlas
 * is not built: B's feature ids are then plain text), and the explanations: files and folders read in this order
 * ({@code explanations}; empty: the data directory's {@code explanations/} folder, when there is one) and the one
 * Neuronpedia source whose rows are kept ({@code explanationsSource}; null: every row).
 */
public record RenderOptions(Path dataDir, Path notesDir, Path templatesDir, Path staticDir, String baseUrl,
    int featureFrom, int featureTo, String bSite, List<Path> explanations, Source explanationsSource) {

  /** Every feature: {@code featureTo} is past any index. */
  public static final int ALL = Integer.MAX_VALUE;

  public RenderOptions {
    baseUrl = normaliseBase(baseUrl);
    bSite = bSite == null || bSite.isBlank() ? "" : bSite.strip().endsWith("/") ? bSite.strip() : bSite.strip() + "/";
    explanations = explanations == null ? List.of() : List.copyOf(explanations);
  }

  public RenderOptions(Path dataDir, Path notesDir, Path templatesDir, Path staticDir, String baseUrl,
      int featureFrom, int featureTo, String bSite) {
    this(dataDir, notesDir, templatesDir, staticDir, baseUrl, featureFrom, featureTo, bSite, List.of(), null);
  }

  public RenderOptions(Path dataDir, Path notesDir, Path templatesDir, Path staticDir, String baseUrl,
      int featureFrom, int featureTo) {
    this(dataDir, notesDir, templatesDir, staticDir, baseUrl, featureFrom, featureTo, "");
  }

  /** Encoder B's atlas at {@code path}, relative to this site's root (for example {@code ../atlas-b/}). */
  public RenderOptions withBSite(String path) {
    return new RenderOptions(dataDir, notesDir, templatesDir, staticDir, baseUrl, featureFrom, featureTo, path, explanations,
        explanationsSource);
  }

  /**
   * Whether {@code path} (normalised, ending in '/') is a relative path that links can follow from a feature page
   * under any base and from file://: segments of letters, digits and {@code . _ ~ -}, no scheme, no leading '/'.
   */
  public static boolean relativeSitePath(String path) {
    return path.matches("([A-Za-z0-9._~-]+/)+") && !path.startsWith("./") && !path.contains("/./");
  }

  public RenderOptions(Path dataDir, Path notesDir, Path templatesDir, Path staticDir, String baseUrl) {
    this(dataDir, notesDir, templatesDir, staticDir, baseUrl, 0, ALL);
  }

  /** Only features {@code from} (inclusive) to {@code to} (exclusive): one of several sites of a large atlas. */
  public RenderOptions withFeatures(int from, int to) {
    return new RenderOptions(dataDir, notesDir, templatesDir, staticDir, baseUrl, from, to, bSite, explanations,
        explanationsSource);
  }

  /** Defaults: notes in {@code <data>/notes}, templates and static under {@code ${atlas.home}}. */
  public static RenderOptions defaults(Path dataDir) {
    Path home = atlasHome();
    return new RenderOptions(dataDir, dataDir.resolve("notes"), home.resolve("templates"), home.resolve("static"), "");
  }

  public RenderOptions withNotesDir(Path dir) {
    return new RenderOptions(dataDir, dir, templatesDir, staticDir, baseUrl, featureFrom, featureTo, bSite,
        explanations, explanationsSource);
  }

  public RenderOptions withTemplatesDir(Path dir) {
    return new RenderOptions(dataDir, notesDir, dir, staticDir, baseUrl, featureFrom, featureTo, bSite,
        explanations, explanationsSource);
  }

  public RenderOptions withStaticDir(Path dir) {
    return new RenderOptions(dataDir, notesDir, templatesDir, dir, baseUrl, featureFrom, featureTo, bSite,
        explanations, explanationsSource);
  }

  public RenderOptions withBaseUrl(String url) {
    return new RenderOptions(dataDir, notesDir, templatesDir, staticDir, url, featureFrom, featureTo, bSite,
        explanations, explanationsSource);
  }

  /**
   * Explanations from {@code paths} (files and folders, read in this order) instead of the data directory's
   * {@code explanations/} folder; with {@code source} (null: every row), only that Neuronpedia source's rows.
   */
  public RenderOptions withExplanations(List<Path> paths, Source source) {
    return new RenderOptions(dataDir, notesDir, templatesDir, staticDir, baseUrl, featureFrom, featureTo, bSite, paths,
        source);
  }

  /** The paths explanations are read from: those given, else the data directory's folder (which may not exist). */
  public List<Path> explanationPaths() {
    return explanations.isEmpty() ? List.of(dataDir.resolve(Explanations.FOLDER)) : explanations;
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
