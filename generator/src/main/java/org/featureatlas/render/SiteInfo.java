package org.featureatlas.render;

/**
 * Facts shown on every page: the names of the model, SAE, second SAE (empty without one) and dataset,
 * the hook, the number of features, the number of search shards, and the base URL (for 404.html only).
 */
public record SiteInfo(String model, String sae, String saeB, String dataset, String hook, int dSae,
    int searchShards, String baseUrl) {}
