/**
 * {@code atlas preview}: a Jetty server on the loopback interface that serves a site from disk or
 * from memory, safely (no directory listings, no path traversal), with gzip, MIME types, the site's
 * 404 page and, when a re-render function is given, re-rendering and page reload on template,
 * static, notes or explanations changes.
 */
package org.featureatlas.site.preview;
