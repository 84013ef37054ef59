package org.featureatlas.train;

/**
 * How well an SAE reconstructs a set of activations.
 *
 * @param fractionVarianceExplained {@code 1 - sum ||x - x_hat||^2 / sum ||x - mean(x)||^2}
 * @param meanL0 mean number of active features ({@code f > 0}) per position
 * @param deadFeatures features active at none of the positions
 * @param positions number of positions measured
 */
public record SaeMetrics(double fractionVarianceExplained, double meanL0, int deadFeatures, long positions) {}
