/** Benchmarks run by {@code make bench}: each prints its figures against the stated targets. */
package org.featureatlas.bench;
