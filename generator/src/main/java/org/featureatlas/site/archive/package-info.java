/**
 * {@code atlas archive}: one reproducible {@code .tar.gz} or {@code .zip} per model checkpoint
 * (the data directory, the built site and {@code ATLAS-MANIFEST.json} with the sha256 of every file),
 * and its {@code verify} and safe {@code extract}.
 */
package org.featureatlas.site.archive;
