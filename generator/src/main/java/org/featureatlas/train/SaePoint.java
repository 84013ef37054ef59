package org.featureatlas.train;

/**
 * One point of an SAE's training curve.
 *
 * @param step steps done so far
 * @param unexplainedVariance mean training loss of the steps since the previous point:
 *     {@code ||x - x_hat||^2} over the activations' total variance
 * @param learningRate learning rate of the last step
 */
public record SaePoint(int step, double unexplainedVariance, double learningRate) {}
