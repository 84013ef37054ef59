package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/** The SwiGLU MLP of the Llama family: {@code down(silu(gate(x)) * up(x))}. */
final class GatedMlp implements FeedForward {
  private final Linear gate; // [dModel] -> [dMlp]
  private final Linear up; // [dModel] -> [dMlp]
  private final Linear down; // [dMlp] -> [dModel]

  GatedMlp(Linear gate, Linear up, Linear down) {
    this.gate = gate;
    this.up = up;
    this.down = down;
  }

  /** {@code silu(gate(x)) * up(x)}: TransformerLens's {@code mlp.hook_post} of a gated MLP. */
  @Override
  public NDArray hidden(NDArray x) {
    NDArray g = gate.apply(x); // [batch, seq, dMlp]
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
