package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/**
 * An ungated MLP of {@code nn.Linear}s, {@code out(gelu(in(x)))} (GPT-NeoX's {@code dense_h_to_4h} /
 * {@code dense_4h_to_h}), with the exact (erf) GELU or the tanh approximation.
 */
final class DenseMlp implements FeedForward {
  private static final double INV_SQRT2 = 1 / Math.sqrt(2);
  private final Linear in; // [dModel] -> [dMlp]
  private final Linear out; // [dMlp] -> [dModel]
  private final boolean exactGelu;

  DenseMlp(Linear in, Linear out, boolean exactGelu) {
    this.in = in;
    this.out = out;
    this.exactGelu = exactGelu;
  }

  @Override
  public NDArray hidden(NDArray x) {
    NDArray pre = in.apply(x); // [batch, seq, dMlp]
    if (!exactGelu) {
      return Mlp.geluNew(pre); // [batch, seq, dMlp]
    }
    return pre.mul(pre.mul(INV_SQRT2).erf().add(1)).mul(0.5); // [batch, seq, dMlp]: x (1 + erf(x / sqrt 2)) / 2
  }

  @Override
  public NDArray out(NDArray hidden) {
    return out.apply(hidden); // [batch, seq, dModel]
  }

  Linear down() {
    return out;
  }
}
