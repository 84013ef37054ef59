package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/** Causal self-attention in two steps, so the block can record {@code attn.hook_z} between them. */
interface SelfAttention {
  /**
   * The per-head results before the output projection, flattened head-major: {@code x [batch, seq, dModel]}
   * (already normalised) to {@code [batch, seq, nHead * dHead]}.
   */
  NDArray z(NDArray x, AttentionInputs inputs);

  /** The output projection (with its bias, if any): {@code z [batch, seq, nHead * dHead]} to {@code [batch, seq, dModel]}. */
  NDArray out(NDArray z);
}
