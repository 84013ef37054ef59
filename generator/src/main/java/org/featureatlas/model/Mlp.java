package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/** The MLP: {@code c_proj(gelu_new(c_fc(x)))}. */
final class Mlp implements FeedForward {
  private static final double GELU_C = Math.sqrt(2.0 / Math.PI);
  private final Conv1D fc; // [dModel] -> [dMlp]
  private final Conv1D proj; // [dMlp] -> [dModel]

  Mlp(Conv1D fc, Conv1D proj) {
    this.fc = fc;
    this.proj = proj;
  }

  /** The hidden activation after the GELU ({@code mlp.hook_post}). */
  @Override
  public NDArray hidden(NDArray x) {
    NDArray pre = fc.apply(x); // [batch, seq, dMlp]
    return geluNew(pre); // [batch, seq, dMlp]
  }

  @Override
  public NDArray out(NDArray hidden) {
    return proj.apply(hidden); // [batch, seq, dModel]
  }

  /** The down projection's weight {@code [dMlp, dModel]} ({@code [in, out]}). */
  NDArray projWeight() {
    return proj.weight();
  }

  /** {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
  static NDArray geluNew(NDArray x) {
    NDArray cube = x.mul(x).mul(x); // [batch, seq, dMlp]
    NDArray inner = x.add(cube.mul(0.044715)).mul(GELU_C); // [batch, seq, dMlp]
    return x.mul(inner.tanh().add(1)).mul(0.5); // [batch, seq, dMlp]
  }
}
