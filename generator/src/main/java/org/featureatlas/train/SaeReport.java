package org.featureatlas.train;

import java.util.List;

/**
 * What {@code atlas train-sae} records in {@code training.json} beside the SAE.
 *
 * @param heldOut metrics of the saved SAE on every position of the held-out sequences
 */
public record SaeReport(String model, String hook, String architecture, int dIn, int dSae, int k,
    int trainTokens, int epochs, int batchSize, double learningRate, long seed, int threads, int steps,
    double trainSeconds, SaeMetrics heldOut, List<SaePoint> curve) {}
