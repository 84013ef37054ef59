package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/**
 * What every block's attention needs besides its input, built once per forward pass.
 *
 * @param maskBias {@code [seq, seq]}: 0 where query i may attend to key j, negative infinity elsewhere
 * @param cos rotary cosines {@code [seq, dHead]}; null for models without rotary embeddings
 * @param sin rotary sines {@code [seq, dHead]}; null for models without rotary embeddings
 * @param localMaskBias {@code [seq, seq]}: the sliding-window mask of local-attention layers (Gemma 2); null when
 *     the model has none
 */
record AttentionInputs(NDArray maskBias, NDArray cos, NDArray sin, NDArray localMaskBias) {
  AttentionInputs(NDArray maskBias, NDArray cos, NDArray sin) {
    this(maskBias, cos, sin, null);
  }
}
