package org.featureatlas.model;

/** The kind of a normalisation layer. */
public enum NormKind {
  /** {@code (x - mean) / sqrt(var + eps) * w + b}: centres its input. */
  LAYER_NORM,
  /** {@code x / sqrt(mean(x^2) + eps) * w}: no centring, no bias. */
  RMS_NORM;

  /** Whether the norm subtracts the mean over d_model (so a constant shift of its input changes nothing). */
  public boolean centres() {
    return this == LAYER_NORM;
  }
}
