package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/** PyTorch's {@code nn.Linear}: weight stored {@code [out, in]}, computing {@code x @ W^T + b}; the bias may be absent. */
final class Linear {
  private final NDArray weight; // [out, in]
  private final NDArray bias; // [out] or null

  Linear(NDArray weight, NDArray bias) {
    this.weight = weight;
    this.bias = bias;
  }

  /** The bias {@code [out]}, or null. */
  NDArray bias() {
    return bias;
  }

  /** {@code x [..., in]} to {@code [..., out]}. */
  NDArray apply(NDArray x) {
    NDArray y = noBias(x); // [..., out]
    return bias == null ? y : y.add(bias); // [..., out]
  }

  /** {@code x @ W^T} without the bias, attached to {@code x}'s manager. */
  NDArray noBias(NDArray x) {
    NDArray wT = weight.transpose(); // [in, out]
    wT.attach(x.getManager());
    return x.matMul(wT); // [..., out]
  }
}
