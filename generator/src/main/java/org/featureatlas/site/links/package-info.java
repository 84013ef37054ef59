/**
 * The link check over a built site: every internal link and asset that a page or stylesheet refers
 * to must resolve to a file of the site. {@code atlas publish} refuses a site that fails it.
 */
package org.featureatlas.site.links;
