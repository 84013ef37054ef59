package org.featureatlas.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.featureatlas.check.AtlasException;

/** A TransformerLens hook point such as {@code blocks.8.hook_resid_pre}. */
public record HookPoint(int layer, HookSite site) implements Comparable<HookPoint> {
  private static final Pattern NAME = Pattern.compile("blocks\\.(\\d{1,6})\\.(.+)");

  public HookPoint {
    if (layer < 0 || site == null) {
      throw new IllegalArgumentException("bad hook point " + layer + " " + site);
    }
  }

  /** Parses a TransformerLens hook name; anything else is an {@link AtlasException}. */
  public static HookPoint parse(String name) {
    Matcher m = NAME.matcher(name == null ? "" : name.strip());
    if (m.matches()) {
      for (HookSite site : HookSite.values()) {
        if (site.suffix().equals(m.group(2))) {
          return new HookPoint(Integer.parseInt(m.group(1)), site);
        }
      }
    }
    throw new AtlasException("unsupported hook name '" + name + "' (expected blocks.L.hook_resid_pre, "
        + "blocks.L.hook_resid_mid, blocks.L.hook_resid_post, blocks.L.hook_attn_out, "
        + "blocks.L.hook_mlp_out, blocks.L.mlp.hook_post or blocks.L.attn.hook_z)");
  }

  /** Width of the hook's value in {@code config}'s model ({@link ModelConfig#width}). */
  public int width(ModelConfig config) {
    return config.width(site);
  }

  /**
   * Whether the value is a write to (or a state of) the residual stream, which TransformerLens centres in
   * LayerNorm models; {@code mlp.hook_post} and {@code attn.hook_z} come before the writing projection.
   */
  public boolean writesResidual() {
    return site != HookSite.MLP_POST && site != HookSite.ATTN_Z;
  }

  /** Fails unless the model has this hook's layer and site. */
  public void checkIn(ModelConfig config) {
    config.checkIn(this);
  }

  /**
   * Order: by layer, then by position in the block (resid_pre, attn.hook_z, attn_out, resid_mid, mlp_post,
   * mlp_out, resid_post).
   */
  @Override
  public int compareTo(HookPoint o) {
    int c = Integer.compare(layer, o.layer);
    return c != 0 ? c : Integer.compare(order(site), order(o.site));
  }

  private static int order(HookSite s) {
    return switch (s) {
      case RESID_PRE -> 0;
      case ATTN_Z -> 1;
      case ATTN_OUT -> 2;
      case RESID_MID -> 3;
      case MLP_POST -> 4;
      case MLP_OUT -> 5;
      case RESID_POST -> 6;
    };
  }

  @Override
  public String toString() {
    return "blocks." + layer + "." + site.suffix();
  }
}
