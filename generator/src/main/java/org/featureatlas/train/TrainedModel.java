package org.featureatlas.train;

import java.util.List;
import org.featureatlas.model.Gpt2Weights;

/**
 * What {@link ModelTrainer} returns: the final float32 weights and the training curve.
 *
 * @param tokensSeen training tokens processed (steps x batch x sequence length)
 * @param epochs passes over the training sequences, fractional
 */
public record TrainedModel(Gpt2Weights weights, List<TrainingPoint> curve, long tokensSeen, double epochs,
    double seconds) {
  public TrainedModel {
    curve = List.copyOf(curve);
  }
}
