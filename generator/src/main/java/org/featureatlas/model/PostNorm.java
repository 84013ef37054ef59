package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/**
 * A norm between a hook and its block's write into the residual stream (Gemma 2: {@code post_feedforward_layernorm}
 * after {@code mlp.hook_post}'s down projection, {@code post_attention_layernorm} after {@code attn.hook_z}'s output
 * projection). The block writes {@code m / sqrt(mean(m^2) + eps) * scale} with {@code m = }
 * {@link LanguageModel#toResidual}{@code (hook value) + bias}: an RMSNorm, whose data-dependent scale makes the
 * write non-linear in the hook value.
 *
 * @param scale the norm's multiplier {@code [dModel]} ({@code 1 + weight} for Gemma 2)
 * @param eps the epsilon added to the mean square
 * @param bias the projection's bias {@code [dModel]}, added before the norm, or null when it has none
 */
public record PostNorm(NDArray scale, double eps, NDArray bias) {}
