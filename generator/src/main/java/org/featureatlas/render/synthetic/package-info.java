/**
 * Deterministic synthetic data directories (plausible feature records from a seed), for the
 * templating stage's tests and benchmark. Not a model of real SAE statistics: only of their shapes.
 */
package org.featureatlas.render.synthetic;
