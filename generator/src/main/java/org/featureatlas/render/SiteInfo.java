package org.featureatlas.render;

/**
 * Facts shown on every page: the names of the model, SAE, second SAE (empty without one) and dataset,
 * the hook, the number of features, the number of search shards, the base URL (for 404.html only), and
 * the features this site holds ({@code first} to {@code end} exclusive; all of them unless rendered with
 * {@code --features}).
 */
public record SiteInfo(String model, String sae, String saeB, String dataset, String hook, int dSae,
    int searchShards, String baseUrl, int first, int end) {
  public SiteInfo(String model, String sae, String saeB, String dataset, String hook, int dSae, int searchShards,
      String baseUrl) {
    this(model, sae, saeB, dataset, hook, dSae, searchShards, baseUrl, 0, dSae);
  }

  /**
   * The footer's line: the number of features and the names of the model, SAEs and dataset (and this site's
   * range when partial). Written by the layout on most pages, and by static/feature.js on feature pages
   * (from {@code vocab.js}).
   */
  public String footer() {
    return dSae + " features \u00B7 model " + model + " \u00B7 SAE " + sae + (saeB.isEmpty() ? "" : " \u00B7 SAE B " + saeB)
        + " \u00B7 data " + dataset + (partial() ? " \u00B7 this site: features " + first + " to " + (end - 1) : "");
  }

  /** Whether this site holds only some of the features ({@code first} to {@code end} exclusive). */
  public boolean partial() {
    return first > 0 || end < dSae;
  }
}
