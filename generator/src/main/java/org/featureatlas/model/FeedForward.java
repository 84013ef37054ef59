package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/** A block's MLP in two steps, so the block can record {@code mlp.hook_post} between them. */
interface FeedForward {
  /** The hidden activation ({@code mlp.hook_post}): {@code [batch, seq, dModel]} to {@code [batch, seq, dMlp]}. */
  NDArray hidden(NDArray x);

  /** The down projection: {@code [batch, seq, dMlp]} to {@code [batch, seq, dModel]}. */
  NDArray out(NDArray hidden);
}
