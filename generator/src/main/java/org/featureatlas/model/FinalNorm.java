package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The norm before the unembedding, as stored in the checkpoint.
 *
 * @param kind LayerNorm (centres, has a bias) or RMSNorm
 * @param weight the stored weight {@code [d_model]}
 * @param bias the bias {@code [d_model]}; null when the norm has none
 * @param eps the epsilon added to the variance (or mean square)
 * @param unitOffset whether the norm multiplies by {@code 1 + weight} (Gemma) rather than {@code weight}
 */
public record FinalNorm(NormKind kind, NDArray weight, NDArray bias, double eps, boolean unitOffset) {

  /**
   * The multiplier the norm applies {@code [d_model]}: {@code weight} itself, or {@code 1 + weight} as a new
   * array attached to {@code manager} when {@link #unitOffset}.
   */
  public NDArray scale(NDManager manager) {
    if (!unitOffset) {
      return weight;
    }
    NDArray s = weight.add(1f); // [dModel]
    s.attach(manager);
    return s;
  }
}
