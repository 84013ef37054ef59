package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/** RMSNorm over the last axis: {@code x / sqrt(mean(x^2) + eps) * weight} (no centring, no bias). */
final class RmsNorm implements Norm {
  private final NDArray weight; // [d]
  private final float eps;

  RmsNorm(NDArray weight, double eps) {
    this.weight = weight;
    this.eps = (float) eps;
  }

  @Override
  public NDArray apply(NDArray x) {
    NDArray ms = x.mul(x).mean(new int[] {-1}, true); // [batch, seq, 1]
    return x.div(ms.add(eps).sqrt()).mul(weight); // [batch, seq, d]
  }
}
