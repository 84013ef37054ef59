package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/** A normalisation over the last axis ({@link LayerNorm}, {@link RmsNorm}). */
interface Norm {
  /** {@code x [..., d]} to the normalised, scaled {@code [..., d]}. */
  NDArray apply(NDArray x);
}
