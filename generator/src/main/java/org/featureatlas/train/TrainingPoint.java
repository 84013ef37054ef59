package org.featureatlas.train;

/**
 * One point of a training curve.
 *
 * @param step steps done so far
 * @param trainLoss mean training loss of the steps since the previous point
 * @param heldOutLoss loss on the held-out evaluation subset (NaN where not measured)
 * @param learningRate learning rate of the last step
 */
public record TrainingPoint(int step, double trainLoss, double heldOutLoss, double learningRate) {}
