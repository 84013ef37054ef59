package org.featureatlas.train;

import org.featureatlas.check.Check;
import org.featureatlas.model.HookPoint;

/**
 * How {@link SaeTrainer} trains a TopK SAE: Adam (no weight decay) at {@code learningRate}, held
 * for the first 80% of steps and decayed linearly to 0 over the rest.
 *
 * @param trainTokens training positions whose activations are collected (whole sequences)
 * @param epochs passes over those activations
 * @param batchSize activation rows per step
 */
public record SaeTrainingConfig(HookPoint hook, int dSae, int k, int trainTokens, int epochs, int batchSize,
    double learningRate, long seed) {

  public SaeTrainingConfig {
    Check.positive(dSae, "d_sae");
    Check.that(k > 0 && k <= dSae, "k must be in 1.." + dSae + ", got " + k);
    Check.positive(trainTokens, "training tokens");
    Check.positive(epochs, "epochs");
    Check.positive(batchSize, "batch size");
    Check.that(learningRate > 0, "learning rate must be positive");
  }

  /** Learning rate at step {@code step} of {@code steps}. */
  public double learningRate(int step, int steps) {
    int decayFrom = (int) (0.8 * steps);
    if (step < decayFrom) {
      return learningRate;
    }
    return learningRate * (steps - step) / (double) (steps - decayFrom);
  }
}
