package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/**
 * A gated MLP {@code down(act(gate(x)) * up(x))}: SwiGLU ({@code silu}, the Llama family) or GeGLU with the tanh
 * GELU ({@code gelu_pytorch_tanh}, Gemma 2).
 */
final class GatedMlp implements FeedForward {
  private final Linear gate; // [dModel] -> [dMlp]
  private final Linear up; // [dModel] -> [dMlp]
  private final Linear down; // [dMlp] -> [dModel]
  private final boolean geluTanh;

  GatedMlp(Linear gate, Linear up, Linear down) {
    this(gate, up, down, false);
  }

  GatedMlp(Linear gate, Linear up, Linear down, boolean geluTanh) {
    this.geluTanh = geluTanh;
    this.gate = gate;
    this.up = up;
    this.down = down;
  }

  /** {@code act(gate(x)) * up(x)}: TransformerLens's {@code mlp.hook_post} of a gated MLP. */
  @Override
  public NDArray hidden(NDArray x) {
    NDArray g = gate.apply(x); // [batch, seq, dMlp]
    if (geluTanh) {
      return Mlp.geluNew(g).mul(up.apply(x)); // [batch, seq, dMlp]
    }
    NDArray silu = g.div(g.neg().exp().add(1)); // [batch, seq, dMlp]
    return silu.mul(up.apply(x)); // [batch, seq, dMlp]
  }

  @Override
  public NDArray out(NDArray hidden) {
    return down.apply(hidden); // [batch, seq, dModel]
  }

  Linear down() {
    return down;
  }
}
