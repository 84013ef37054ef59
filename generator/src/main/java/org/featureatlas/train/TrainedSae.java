package org.featureatlas.train;

import java.util.List;
import org.featureatlas.sae.SaeWeights;

/**
 * What {@link SaeTrainer} returns.
 *
 * @param curve per logging interval: step and mean training loss, the unexplained fraction of
 *     variance {@code sum ||x - x_hat||^2 / (rows * total variance)} of the batches in it
 */
public record TrainedSae(SaeWeights weights, List<SaePoint> curve, int steps, int trainRows, double seconds) {
  public TrainedSae {
    curve = List.copyOf(curve);
  }
}
