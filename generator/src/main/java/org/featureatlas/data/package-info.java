/**
 * The data directory: the versioned, public format written by the generation stage and read by the
 * templating stage (see docs/data-format.md). Records here hold plain values only.
 */
package org.featureatlas.data;
