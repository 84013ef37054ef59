/**
 * {@code atlas preview}: a Jetty server on the loopback interface that serves a site from disk or
 * from memory, safely (no directory listings, no path traversal), with gzip, MIME types, the site's
 * 404 page and, when a re-render function is given, re-rendering and page reload on template,
 * static, notes or explanations changes. With a model ({@code atlas preview --model DIR --sae DIR}) it also answers the prompt
 * view's JSON API ({@link org.featureatlas.site.preview.PromptApi} at {@code /__atlas/prompt}), one model run at a
 * time behind a bounded queue ({@link org.featureatlas.site.preview.RunQueue}).
 */
package org.featureatlas.site.preview;
