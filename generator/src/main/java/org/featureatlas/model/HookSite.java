package org.featureatlas.model;

/** Where in a block a hook point sits, with its TransformerLens name suffix. */
public enum HookSite {
  RESID_PRE("hook_resid_pre"),
  RESID_MID("hook_resid_mid"),
  RESID_POST("hook_resid_post"),
  ATTN_OUT("hook_attn_out"),
  MLP_OUT("hook_mlp_out"),
  MLP_POST("mlp.hook_post"),
  /** Per-head attention results before the output projection, flattened head-major to n_heads x d_head. */
  ATTN_Z("attn.hook_z");

  private final String suffix;

  HookSite(String suffix) {
    this.suffix = suffix;
  }

  /** The TransformerLens name after {@code blocks.L.}. */
  public String suffix() {
    return suffix;
  }
}
