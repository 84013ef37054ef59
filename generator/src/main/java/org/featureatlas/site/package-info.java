/**
 * What happens to a built site: {@code preview} (a local server), {@code archive} (one reproducible
 * archive per model checkpoint), {@code publish} (a GitHub Pages branch) and the link check that
 * guards publishing. Shared here: safe relative paths and listing a site's files.
 */
package org.featureatlas.site;
