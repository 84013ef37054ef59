/**
 * File-system helpers shared by every stage: atomic output directories, the hidden working directories
 * beside an output (removed on SIGINT/SIGTERM and by the next run), and the check that an output may be
 * replaced at all.
 */
package org.featureatlas.fs;
