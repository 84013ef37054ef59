/**
 * The templating stage: reads a data directory and writes the static site (one page per feature,
 * the index, search data, notes) through a {@link org.featureatlas.render.SiteSink}. It never
 * touches the model. Entry point: {@link org.featureatlas.render.SiteRenderer#render}.
 */
package org.featureatlas.render;
