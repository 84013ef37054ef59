package org.featureatlas.render;

/**
 * Facts shown on every page: the names of the model, SAE, second SAE (empty without one) and dataset,
 * the hook, the number of features, the number of search shards, the base URL (for 404.html only), and
 * the features this site holds ({@code first} to {@code end} exclusive; all of them unless rendered with
 * {@code --features}), and how BOS positions were treated ({@link #bosLine}; empty when the data says nothing).
 */
public record SiteInfo(String model, String sae, String saeB, String dataset, String hook, int dSae,
    int searchShards, String baseUrl, int first, int end, String bos) {
  public SiteInfo(String model, String sae, String saeB, String dataset, String hook, int dSae, int searchShards,
      String baseUrl) {
    this(model, sae, saeB, dataset, hook, dSae, searchShards, baseUrl, 0, dSae, "");
  }

  public SiteInfo(String model, String sae, String saeB, String dataset, String hook, int dSae, int searchShards,
      String baseUrl, int first, int end) {
    this(model, sae, saeB, dataset, hook, dSae, searchShards, baseUrl, first, end, "");
  }

  /**
   * The footer's words on BOS, from the manifest's settings {@code exclude_bos} and {@code bos_token}
   * ({@code tokenText} shows the token): left out, kept, or "" when the tokenizer defined no BOS (or the
   * data predates the setting).
   */
  public static String bosLine(java.util.Map<String, Object> settings, java.util.function.IntFunction<String> tokenText) {
    Object token = settings == null ? null : settings.get("bos_token");
    if (!(token instanceof Number)) return "";
    String which = "BOS positions (token \u201C" + tokenText.apply(((Number) token).intValue()) + "\u201D, id " + token + ")";
    return Boolean.TRUE.equals(settings.get("exclude_bos"))
        ? which + " left out of every statistic and example"
        : which + " kept in every statistic and example (--keep-bos)";
  }

  /**
   * The footer's line: the number of features and the names of the model, SAEs and dataset (and this site's
   * range when partial, and how BOS positions were treated when the data says). Written by the layout on most pages, and by static/feature.js on feature pages
   * (from {@code vocab.js}).
   */
  public String footer() {
    return dSae + " features \u00B7 model " + model + " \u00B7 SAE " + sae + (saeB.isEmpty() ? "" : " \u00B7 SAE B " + saeB)
        + " \u00B7 data " + dataset + (partial() ? " \u00B7 this site: features " + first + " to " + (end - 1) : "")
        + (bos == null || bos.isEmpty() ? "" : " \u00B7 " + bos);
  }

  /** Whether this site holds only some of the features ({@code first} to {@code end} exclusive). */
  public boolean partial() {
    return first > 0 || end < dSae;
  }
}
