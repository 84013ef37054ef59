package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/** One pre-LayerNorm transformer block, recording its hook values into a {@link Trace}. */
final class Block {
  private final int layer;
  private final LayerNorm ln1;
  private final Attention attn;
  private final LayerNorm ln2;
  private final Mlp mlp;

  Block(int layer, LayerNorm ln1, Attention attn, LayerNorm ln2, Mlp mlp) {
    this.layer = layer;
    this.ln1 = ln1;
    this.attn = attn;
    this.ln2 = ln2;
    this.mlp = mlp;
  }

  /**
   * {@code residPre [batch, seq, dModel]} to resid_post, or null when the trace says stop. The
   * block's temporaries are closed on return (autograd keeps what backward needs); only the
   * output and captured hook values survive.
   */
  NDArray apply(NDArray residPre, NDArray maskBias, Trace trace) {
    // Recorded outside the block's scope: residPre belongs to the enclosing one.
    if (trace.record(layer, HookSite.RESID_PRE, residPre)) {
      return null;
    }
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      out = run(residPre, maskBias, trace);
      if (out != null) {
        NDScope.unregister(out);
      }
    }
    if (out != null && !trace.holds(out)) {
      NDScope.register(out); // the enclosing scope closes it once the next block has used it
    }
    return out;
  }

  private NDArray run(NDArray residPre, NDArray maskBias, Trace trace) {
    NDArray attnOut = attn.apply(ln1.apply(residPre), maskBias); // [batch, seq, dModel]
    if (trace.record(layer, HookSite.ATTN_OUT, attnOut)) {
      return null;
    }
    NDArray residMid = residPre.add(attnOut); // [batch, seq, dModel]
    if (trace.record(layer, HookSite.RESID_MID, residMid)) {
      return null;
    }
    NDArray hidden = mlp.hidden(ln2.apply(residMid)); // [batch, seq, dMlp]
    if (trace.record(layer, HookSite.MLP_POST, hidden)) {
      return null;
    }
    NDArray mlpOut = mlp.out(hidden); // [batch, seq, dModel]
    if (trace.record(layer, HookSite.MLP_OUT, mlpOut)) {
      return null;
    }
    NDArray residPost = residMid.add(mlpOut); // [batch, seq, dModel]
    if (trace.record(layer, HookSite.RESID_POST, residPost)) {
      return null;
    }
    return residPost;
  }
}
