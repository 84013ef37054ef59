package org.featureatlas.model;

import java.util.EnumSet;
import java.util.Set;
import org.featureatlas.check.AtlasException;

/**
 * The numbers of a checkpoint's {@code config.json} that generation needs, whatever the family.
 * Each family's config record implements it with its own fields behind these names.
 */
public interface ModelConfig {
  /** The {@code model_type} of {@code config.json} ({@code gpt2}, {@code llama}, {@code mistral}, {@code qwen2}, {@code gemma2},
   * {@code gpt_neox}). */
  String modelType();

  /** Transformer blocks. */
  int nLayer();

  /** Query heads. */
  int nHead();

  /** Width of one head. */
  int dHead();

  /** Width of the residual stream. */
  int dModel();

  /** Width of the MLP hidden layer ({@code mlp.hook_post}). */
  int dMlp();

  int vocabSize();

  /** The longest sequence the model takes (GPT-2's {@code n_positions}, else {@code max_position_embeddings}). */
  int context();

  /** Kind of the final norm (and of the block norms). */
  NormKind normKind();

  /** The hook sites every block of this family has. */
  default Set<HookSite> hookSites() {
    return EnumSet.allOf(HookSite.class);
  }

  /** Width of a hook's value: d_mlp for {@code mlp.hook_post}, n_heads x d_head for {@code attn.hook_z}, else d_model. */
  default int width(HookSite site) {
    return switch (site) {
      case MLP_POST -> dMlp();
      case ATTN_Z -> nHead() * dHead();
      default -> dModel();
    };
  }

  /**
   * Whether a norm lies between {@code hook}'s value and its block's write into the residual stream, so that the
   * write is not linear in the hook value (Gemma 2's {@code mlp.hook_post} and {@code attn.hook_z}); pass C then
   * recomputes the norm at each ablated position ({@link LanguageModel#postNorm}).
   */
  default boolean hasPostNorm(HookPoint hook) {
    return false;
  }

  /** Fails unless the model has {@code hook}'s layer and site. */
  default void checkIn(HookPoint hook) {
    if (hook.layer() >= nLayer()) {
      throw new AtlasException("hook " + hook + ": the model has only " + nLayer() + " layers");
    }
    if (!hookSites().contains(hook.site())) {
      throw new AtlasException("hook " + hook + ": " + modelType() + " models have no " + hook.site().suffix());
    }
  }
}
