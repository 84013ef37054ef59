package org.featureatlas.model;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.featureatlas.check.Check;

/**
 * The hyper-parameters of GPT-NeoX / Pythia ({@code model_type} {@code gpt_neox}) as in a Hugging Face
 * {@code config.json} (transformers' {@code GPTNeoXConfig}, whose defaults apply to absent optional keys):
 * LayerNorm blocks, a fused per-head q/k/v projection, rotary embeddings on the first {@code rotary_pct} of each
 * head, a GELU MLP, parallel or sequential residual, an untied {@code embed_out}.
 *
 * @param nLayer {@code num_hidden_layers}
 * @param dModel {@code hidden_size}
 * @param nHead {@code num_attention_heads}; divides {@code hidden_size}
 * @param dMlp {@code intermediate_size}
 * @param vocabSize {@code vocab_size}
 * @param context {@code max_position_embeddings}
 * @param rotaryDims {@code int(head_size * rotary_pct)} ({@code rotary_pct} default 0.25): even, at least 2
 * @param rotaryBase {@code rotary_emb_base} (default 10000; {@code rope_theta} in newer configs)
 * @param layerNormEps {@code layer_norm_eps} (default 1e-5)
 * @param parallelResidual {@code use_parallel_residual} (default true): {@code x + attn(ln1(x)) + mlp(ln2(x))}
 * @param exactGelu {@code hidden_act} {@code gelu} (erf); false for {@code gelu_new} / {@code gelu_pytorch_tanh} (tanh)
 * @param tieWordEmbeddings {@code tie_word_embeddings} (default false)
 * @param attentionBias {@code attention_bias} (default true): q/k/v and dense biases
 */
public record NeoxConfig(int nLayer, int dModel, int nHead, int dMlp, int vocabSize, int context, int rotaryDims,
    double rotaryBase, double layerNormEps, boolean parallelResidual, boolean exactGelu, boolean tieWordEmbeddings,
    boolean attentionBias) implements ModelConfig {

  public NeoxConfig {
    Check.that(nLayer > 0 && dModel > 0 && nHead > 0 && dMlp > 0 && vocabSize > 0 && context > 0,
        "gpt_neox config: every size must be positive");
    Check.that(dModel % nHead == 0, "hidden_size " + dModel + " is not a multiple of num_attention_heads " + nHead);
    Check.that(rotaryDims >= 2 && rotaryDims % 2 == 0 && rotaryDims <= dModel / nHead,
        "gpt_neox config: rotary dimensions " + rotaryDims + " must be even and within the head");
    Check.that(rotaryBase > 0 && layerNormEps > 0, "gpt_neox config: bad rotary base or eps");
  }

  /** Reads a Hugging Face GPT-NeoX {@code config.json}; each problem is one line naming the field. */
  public static NeoxConfig read(Path configJson) {
    ConfigJson c = ConfigJson.read(configJson);
    String type = c.text("model_type", "");
    Check.file(type.equals("gpt_neox"), configJson, "model_type is " + type + ", not gpt_neox");
    int dModel = c.size("hidden_size");
    int dMlp = c.size("intermediate_size");
    int nLayer = c.size("num_hidden_layers");
    int nHead = c.size("num_attention_heads");
    int vocab = c.size("vocab_size");
    int context = c.size("max_position_embeddings");
    Check.file(dModel % nHead == 0, configJson, "hidden_size " + dModel + " is not a multiple of num_attention_heads "
        + nHead);
    int dHead = dModel / nHead;
    double pct = c.has("rotary_pct") ? c.positive("rotary_pct", 0.25) : c.positive("partial_rotary_factor", 0.25);
    Check.file(pct <= 1, configJson, "rotary_pct " + pct + " must be in (0, 1]");
    int rotary = (int) (dHead * pct); // Python's int(head_size * rotary_pct)
    Check.file(rotary >= 2 && rotary % 2 == 0, configJson, "rotary_pct " + pct + " gives " + rotary
        + " rotary dimensions of a head of " + dHead + " (must be even and at least 2)");
    double base = c.has("rotary_emb_base") ? c.positive("rotary_emb_base", 10000) : c.positive("rope_theta", 10000);
    Check.file(c.node("rope_scaling") == null || c.node("rope_scaling").isNull(), configJson,
        "rope_scaling is not supported for gpt_neox");
    double eps = c.positive("layer_norm_eps", 1e-5);
    String act = c.text("hidden_act", "gelu");
    Check.file(act.equals("gelu") || act.equals("gelu_new") || act.equals("gelu_pytorch_tanh"), configJson,
        "hidden_act " + act + " is not supported (gelu, gelu_new, gelu_pytorch_tanh)");
    boolean parallel = c.bool("use_parallel_residual", true);
    boolean tie = c.bool("tie_word_embeddings", false);
    boolean bias = c.bool("attention_bias", true);
    return new NeoxConfig(nLayer, dModel, nHead, dMlp, vocab, context, rotary, base, eps, parallel,
        act.equals("gelu"), tie, bias);
  }

  @Override
  public String modelType() {
    return "gpt_neox";
  }

  @Override
  public int dHead() {
    return dModel / nHead;
  }

  @Override
  public NormKind normKind() {
    return NormKind.LAYER_NORM;
  }

  /** Every site, except {@code hook_resid_mid} with a parallel residual (TransformerLens never sets it there). */
  @Override
  public Set<HookSite> hookSites() {
    Set<HookSite> sites = EnumSet.allOf(HookSite.class);
    if (parallelResidual) {
      sites.remove(HookSite.RESID_MID);
    }
    return sites;
  }

  @Override
  public void checkIn(HookPoint hook) {
    if (parallelResidual && hook.site() == HookSite.RESID_MID) {
      throw new org.featureatlas.check.AtlasException("hook " + hook + ": gpt_neox models with use_parallel_residual "
          + "have no hook_resid_mid (attention and MLP both read resid_pre, as in TransformerLens)");
    }
    ModelConfig.super.checkIn(hook);
  }

  /** Rotary inverse frequencies {@code base^(-2j / rotaryDims)} {@code [rotaryDims / 2]}. */
  public double[] inverseFrequencies() {
    double[] inv = new double[rotaryDims / 2];
    for (int j = 0; j < inv.length; j++) {
      inv[j] = 1.0 / Math.pow(rotaryBase, (2.0 * j) / rotaryDims);
    }
    return inv;
  }
}
