package org.featureatlas.train;

import org.featureatlas.check.Check;
import org.featureatlas.model.Gpt2Config;

/**
 * How {@link ModelTrainer} trains: the architecture, then AdamW with a linear warm-up and a cosine
 * decay to {@code minLrFraction * learningRate}.
 *
 * @param batchSize sequences per step (each of the model's {@code n_positions} tokens)
 * @param evalEvery steps between two evaluations of the held-out subset
 * @param evalSequences held-out sequences used for the evaluations during training
 */
public record ModelTrainingConfig(Gpt2Config model, int steps, int batchSize, double learningRate,
    int warmupSteps, double minLrFraction, double weightDecay, long seed, int evalEvery, int evalSequences) {

  public ModelTrainingConfig {
    Check.positive(steps, "steps");
    Check.positive(batchSize, "batch size");
    Check.that(learningRate > 0, "learning rate must be positive");
    Check.that(warmupSteps >= 0, "warm-up steps must not be negative");
    Check.that(minLrFraction >= 0 && minLrFraction <= 1, "minimum learning-rate fraction must be in [0, 1]");
    Check.that(weightDecay >= 0, "weight decay must not be negative");
    Check.positive(evalEvery, "evaluation interval");
    Check.positive(evalSequences, "evaluation sequences");
  }

  /** The learning rate of step {@code step} (0-based). */
  public double learningRate(int step) {
    if (step < warmupSteps) {
      return learningRate * (step + 1) / warmupSteps;
    }
    double progress = steps <= warmupSteps ? 1 : (double) (step - warmupSteps) / (steps - warmupSteps);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    return learningRate * (minLrFraction + (1 - minLrFraction) * cosine);
  }
}
