package org.featureatlas.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.featureatlas.check.Check;

/**
 * The hyper-parameters of Gemma 2 ({@code model_type} {@code gemma2}) as in a Hugging Face {@code config.json}
 * (transformers' {@code Gemma2Config}, whose defaults apply to absent optional keys): RMSNorm scaling by
 * {@code 1 + weight}, embeddings times {@code sqrt(hidden_size)}, norms before and after attention and MLP, GeGLU
 * with the tanh GELU, attention scaled by {@code query_pre_attn_scalar^-1/2}, attention-logit and final-logit
 * soft-capping, sliding-window attention in the even layers (transformers: {@code is_sliding = not layer_idx % 2}).
 *
 * @param nLayer {@code num_hidden_layers}
 * @param dModel {@code hidden_size}
 * @param nHead {@code num_attention_heads}
 * @param nKvHead {@code num_key_value_heads} (default 4, transformers'); divides {@code nHead}
 * @param dHead {@code head_dim} (default 256); even
 * @param dMlp {@code intermediate_size}
 * @param vocabSize {@code vocab_size}
 * @param context {@code max_position_embeddings}
 * @param rmsNormEps {@code rms_norm_eps} (default 1e-6)
 * @param ropeTheta {@code rope_theta} (default 10000)
 * @param queryPreAttnScalar {@code query_pre_attn_scalar} (default 256): scores are scaled by its inverse square root
 * @param attnSoftcap {@code attn_logit_softcapping} (default 50; null in the config means none, 0 here)
 * @param finalSoftcap {@code final_logit_softcapping} (default 30; null means none, 0 here)
 * @param slidingWindow {@code sliding_window} (default 4096; null means none, 0 here), in the even layers
 * @param tieWordEmbeddings {@code tie_word_embeddings} (default true)
 * @param attentionBias {@code attention_bias} (default false): q/k/v/o biases
 */
public record Gemma2Config(int nLayer, int dModel, int nHead, int nKvHead, int dHead, int dMlp, int vocabSize,
    int context, double rmsNormEps, double ropeTheta, double queryPreAttnScalar, double attnSoftcap,
    double finalSoftcap, int slidingWindow, boolean tieWordEmbeddings, boolean attentionBias) implements ModelConfig {

  public Gemma2Config {
    Check.that(nLayer > 0 && dModel > 0 && nHead > 0 && nKvHead > 0 && dHead > 0 && dMlp > 0 && vocabSize > 0
        && context > 0, "gemma2 config: every size must be positive");
    Check.that(nHead % nKvHead == 0, "num_attention_heads " + nHead + " is not a multiple of num_key_value_heads "
        + nKvHead);
    Check.that(dHead % 2 == 0, "head_dim " + dHead + " is odd (rotary embeddings rotate pairs)");
    Check.that(rmsNormEps > 0 && ropeTheta > 0 && queryPreAttnScalar > 0 && attnSoftcap >= 0 && finalSoftcap >= 0
        && slidingWindow >= 0, "gemma2 config: bad eps, theta, scalar, soft cap or window");
  }

  /** Reads a Hugging Face Gemma 2 {@code config.json}; each problem is one line naming the field. */
  public static Gemma2Config read(Path configJson) {
    ConfigJson c = ConfigJson.read(configJson);
    String type = c.text("model_type", "");
    Check.file(type.equals("gemma2"), configJson, "model_type is " + type + ", not gemma2");
    int dModel = c.size("hidden_size");
    int dMlp = c.size("intermediate_size");
    int nLayer = c.size("num_hidden_layers");
    int nHead = c.size("num_attention_heads");
    int vocab = c.size("vocab_size");
    int context = c.size("max_position_embeddings");
    int nKv = c.size("num_key_value_heads", 4);
    Check.file(nHead % nKv == 0, configJson, "num_attention_heads " + nHead
        + " is not a multiple of num_key_value_heads " + nKv);
    int dHead = c.size("head_dim", 256);
    Check.file(dHead % 2 == 0, configJson, "head_dim " + dHead + " is odd (rotary embeddings rotate pairs)");
    Check.file((long) nHead * dHead <= Integer.MAX_VALUE, configJson, "num_attention_heads x head_dim is out of range");
    // Newer configs name the activation hidden_activation; older ones hidden_act.
    String act = c.text("hidden_activation", c.text("hidden_act", "gelu_pytorch_tanh"));
    Check.file(act.equals("gelu_pytorch_tanh") || act.equals("gelu_new"), configJson,
        "hidden_activation " + act + " is not supported (only gelu_pytorch_tanh)");
    double eps = c.positive("rms_norm_eps", 1e-6);
    double theta = c.positive("rope_theta", 10000);
    double scalar = c.positive("query_pre_attn_scalar", 256);
    double attnCap = orNone(c, "attn_logit_softcapping", 50.0);
    double finalCap = orNone(c, "final_logit_softcapping", 30.0);
    JsonNode w = c.node("sliding_window");
    int window = w == null ? 4096 : w.isNull() ? 0 : c.size("sliding_window");
    Check.file(c.node("rope_scaling") == null || c.node("rope_scaling").isNull(), configJson,
        "rope_scaling is not supported for gemma2");
    boolean tie = c.bool("tie_word_embeddings", true);
    boolean bias = c.bool("attention_bias", false);
    return new Gemma2Config(nLayer, dModel, nHead, nKv, dHead, dMlp, vocab, context, eps, theta, scalar, attnCap,
        finalCap, window, tie, bias);
  }

  /** A positive number; {@code fallback} when absent (transformers' default), 0 (none) when null. */
  private static double orNone(ConfigJson c, String name, double fallback) {
    JsonNode n = c.node(name);
    if (n == null) {
      return fallback;
    }
    return n.isNull() ? 0 : c.positive(name, fallback);
  }

  /** Whether layer {@code layer} uses sliding-window attention (transformers: the even layers). */
  public boolean sliding(int layer) {
    return slidingWindow > 0 && layer % 2 == 0;
  }

  /** Rotary inverse frequencies {@code theta^(-2j / head_dim)} {@code [dHead / 2]}. */
  public double[] inverseFrequencies() {
    double[] inv = new double[dHead / 2];
    for (int j = 0; j < inv.length; j++) {
      inv[j] = 1.0 / Math.pow(ropeTheta, (2.0 * j) / dHead);
    }
    return inv;
  }

  @Override
  public String modelType() {
    return "gemma2";
  }

  @Override
  public NormKind normKind() {
    return NormKind.RMS_NORM;
  }

  /** {@code mlp.hook_post} and {@code attn.hook_z}: {@code post_feedforward_layernorm} / {@code post_attention_layernorm} follow their projections. */
  @Override
  public boolean hasPostNorm(HookPoint hook) {
    return hook.site() == HookSite.MLP_POST || hook.site() == HookSite.ATTN_Z;
  }
}
