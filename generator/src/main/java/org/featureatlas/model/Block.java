package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * One pre-norm transformer block ({@code x + attn(norm1(x))}, then {@code + mlp(norm2(.))}), recording its hook
 * values into a {@link Trace}. GPT-2, the Llama family, Gemma 2 and GPT-NeoX share it; they differ in their parts.
 * Two variants, as TransformerLens's {@code TransformerBlock}: post-norms ({@code use_normalization_before_and_after},
 * Gemma 2) normalise the attention and MLP outputs before {@code hook_attn_out} / {@code hook_mlp_out}, so those
 * hooks hold what is added to the residual stream; a parallel block ({@code parallel_attn_mlp}, GPT-NeoX's
 * {@code use_parallel_residual}) feeds the MLP from {@code resid_pre} and has no {@code hook_resid_mid}.
 */
final class Block {
  private final int layer;
  private final Norm ln1;
  private final SelfAttention attn;
  private final Norm ln1Post; // null: none
  private final Norm ln2;
  private final FeedForward mlp;
  private final Norm ln2Post; // null: none
  private final boolean parallel;

  Block(int layer, Norm ln1, SelfAttention attn, Norm ln2, FeedForward mlp) {
    this(layer, ln1, attn, null, ln2, mlp, null, false);
  }

  Block(int layer, Norm ln1, SelfAttention attn, Norm ln1Post, Norm ln2, FeedForward mlp, Norm ln2Post,
      boolean parallel) {
    this.layer = layer;
    this.ln1 = ln1;
    this.attn = attn;
    this.ln1Post = ln1Post;
    this.ln2 = ln2;
    this.mlp = mlp;
    this.ln2Post = ln2Post;
    this.parallel = parallel;
  }

  /**
   * {@code residPre [batch, seq, dModel]} to resid_post, or null when the trace says stop. The
   * block's temporaries are closed on return (autograd keeps what backward needs); only the
   * output and captured hook values survive.
   */
  NDArray apply(NDArray residPre, AttentionInputs inputs, Trace trace) {
    // Recorded outside the block's scope: residPre belongs to the enclosing one.
    if (trace.record(layer, HookSite.RESID_PRE, residPre)) {
      return null;
    }
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      out = run(residPre, inputs, trace);
      if (out != null) {
        NDScope.unregister(out);
      }
    }
    if (out != null && !trace.holds(out)) {
      NDScope.register(out); // the enclosing scope closes it once the next block has used it
    }
    return out;
  }

  private NDArray run(NDArray residPre, AttentionInputs inputs, Trace trace) {
    NDArray z = attn.z(ln1.apply(residPre), inputs); // [batch, seq, nHead * dHead]
    if (trace.record(layer, HookSite.ATTN_Z, z)) {
      return null;
    }
    NDArray attnOut = attn.out(z); // [batch, seq, dModel]
    if (ln1Post != null) {
      attnOut = ln1Post.apply(attnOut); // [batch, seq, dModel]
    }
    if (trace.record(layer, HookSite.ATTN_OUT, attnOut)) {
      return null;
    }
    NDArray residMid = null;
    if (!parallel) {
      residMid = residPre.add(attnOut); // [batch, seq, dModel]
      if (trace.record(layer, HookSite.RESID_MID, residMid)) {
        return null;
      }
    }
    NDArray hidden = mlp.hidden(ln2.apply(parallel ? residPre : residMid)); // [batch, seq, dMlp]
    if (trace.record(layer, HookSite.MLP_POST, hidden)) {
      return null;
    }
    NDArray mlpOut = mlp.out(hidden); // [batch, seq, dModel]
    if (ln2Post != null) {
      mlpOut = ln2Post.apply(mlpOut); // [batch, seq, dModel]
    }
    if (trace.record(layer, HookSite.MLP_OUT, mlpOut)) {
      return null;
    }
    NDArray residPost = parallel ? residPre.add(attnOut).add(mlpOut) : residMid.add(mlpOut); // [batch, seq, dModel]
    if (trace.record(layer, HookSite.RESID_POST, residPost)) {
      return null;
    }
    return residPost;
  }

  SelfAttention attention() {
    return attn;
  }

  FeedForward mlp() {
    return mlp;
  }
}
