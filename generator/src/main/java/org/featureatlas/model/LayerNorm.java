package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/** LayerNorm over the last axis: {@code (x - mean) / sqrt(var + eps) * weight + bias}, biased variance. */
final class LayerNorm implements Norm {
  private final NDArray weight; // [dModel]
  private final NDArray bias; // [dModel]
  private final float eps;

  LayerNorm(NDArray weight, NDArray bias, double eps) {
    this.weight = weight;
    this.bias = bias;
    this.eps = (float) eps;
  }

  @Override
  public NDArray apply(NDArray x) {
    NDArray mean = x.mean(new int[] {-1}, true); // [batch, seq, 1]
    NDArray centred = x.sub(mean); // [batch, seq, dModel]
    NDArray var = centred.mul(centred).mean(new int[] {-1}, true); // [batch, seq, 1]
    NDArray normed = centred.div(var.add(eps).sqrt()); // [batch, seq, dModel]
    return normed.mul(weight).add(bias); // [batch, seq, dModel]
  }
}
