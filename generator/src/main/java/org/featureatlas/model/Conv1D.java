package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/** Hugging Face's Conv1D: a linear layer stored as {@code [in, out]}, computing {@code x @ W + b}. */
final class Conv1D {
  private final NDArray weight; // [in, out]
  private final NDArray bias; // [out]

  Conv1D(NDArray weight, NDArray bias) {
    this.weight = weight;
    this.bias = bias;
  }

  NDArray weight() {
    return weight;
  }

  NDArray apply(NDArray x) {
    return x.matMul(weight).add(bias); // [batch, seq, out]
  }
}
