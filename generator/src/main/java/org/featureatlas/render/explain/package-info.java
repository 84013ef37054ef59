/**
 * Feature descriptions from outside the atlas, shown on the feature pages, in the index table and in the
 * search: Neuronpedia's explanations export (JSONL, one {@code Explanation} of its database models a line,
 * optionally gzipped) and plain {@code index,description} CSV (RFC 4180). Bad rows are reported with their
 * file and line and skipped; every good row is kept. Entry point: {@link
 * org.featureatlas.render.explain.Explanations#load}.
 */
package org.featureatlas.render.explain;
