package org.featureatlas.model;

import ai.djl.ndarray.NDArray;

/**
 * A decoder-only language model on a DJL device, one implementation per family ({@link Gpt2Model},
 * {@link LlamaModel}, {@link Gemma2Model}, {@link NeoxModel}). Hook values are requested per forward call ({@link ForwardOptions}) with
 * TransformerLens names; the final norm and the unembedding are exposed so that callers can compute the
 * direct-path effects of a change at a hook without knowing the family's tensor names.
 */
public interface LanguageModel extends AutoCloseable {

  ModelConfig config();

  /**
   * Runs {@code tokens [batch, seq]} (any integer type) through the model, up to where {@code options} says.
   * Every returned array is attached to {@code tokens.getManager()}.
   */
  ForwardResult forward(NDArray tokens, ForwardOptions options);

  /**
   * The logits of final residual-stream vectors {@code [..., dModel]}: the final norm, the unembedding and its
   * bias (if any), then the final-logit soft cap where the model has one (Gemma 2), attached to the input's manager.
   */
  NDArray logits(NDArray finalResid);

  /**
   * The final-logit soft cap {@code c} ({@code logits = c tanh(raw / c)}), or 0 when the model has none (every
   * family but Gemma 2).
   */
  default double finalSoftcap() {
    return 0;
  }

  /** {@link #logits} before the final-logit soft cap: the same as {@link #logits} for a model without one. */
  default NDArray rawLogits(NDArray finalResid) {
    return logits(finalResid);
  }

  /** The norm before the unembedding. */
  FinalNorm finalNorm();

  /** The unembedding {@code [vocab, dModel]} (logits = normed residual x its transpose). */
  NDArray unembed();

  /** The unembedding bias {@code [vocab]}, or null when the model has none. */
  NDArray unembedBias();

  /**
   * The linear map from a hook's value towards the block's write into the residual stream, without bias, applied to
   * {@code values [..., width]}: the MLP's down projection for {@code mlp.hook_post}, the attention output
   * projection for {@code attn.hook_z}, the identity (returning {@code values} itself) for every other site.
   * Where a norm follows the projection ({@link #postNorm}), this is the norm's input less its bias. The result
   * {@code [..., dModel]} is attached to {@code values}' manager.
   */
  NDArray toResidual(HookPoint hook, NDArray values);

  /**
   * The norm between {@link #toResidual} and the residual stream at {@code hook} (Gemma 2's post-norms after
   * {@code mlp.hook_post} and {@code attn.hook_z}), or null where the block's write is {@link #toResidual} plus a
   * constant (every other family and site). {@link ModelConfig#hasPostNorm} says the same from the config.
   */
  default PostNorm postNorm(HookPoint hook) {
    return null;
  }

  @Override
  void close();
}
