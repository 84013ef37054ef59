package org.featureatlas.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.featureatlas.check.Check;

/**
 * The hyper-parameters of the Llama family ({@code model_type} {@code llama}, {@code mistral} or {@code qwen2})
 * as in a Hugging Face {@code config.json}: RMSNorm, rotary embeddings, grouped-query attention, SwiGLU MLP.
 *
 * @param modelType {@code llama}, {@code mistral} or {@code qwen2}
 * @param nLayer {@code num_hidden_layers}
 * @param dModel {@code hidden_size}
 * @param nHead {@code num_attention_heads}
 * @param nKvHead {@code num_key_value_heads} (default {@code num_attention_heads}); divides {@code nHead}
 * @param dHead {@code head_dim} (default {@code hidden_size / num_attention_heads}); even
 * @param dMlp {@code intermediate_size}
 * @param vocabSize {@code vocab_size}
 * @param context {@code max_position_embeddings}
 * @param rmsNormEps {@code rms_norm_eps} (default 1e-6)
 * @param ropeTheta {@code rope_theta} (default 10000)
 * @param ropeScaling {@code rope_scaling}: none, {@code linear} or {@code llama3}
 * @param tieWordEmbeddings {@code tie_word_embeddings} (default false): the unembedding is {@code embed_tokens}
 * @param qkvBias q/k/v projections have biases (Qwen 2 always; Llama with {@code attention_bias})
 * @param oBias the output projection has a bias (Llama with {@code attention_bias})
 * @param mlpBias gate/up/down projections have biases (Llama with {@code mlp_bias})
 * @param slidingWindow Mistral's {@code sliding_window} (a query attends to the last that many positions), 0 for none
 */
public record LlamaConfig(String modelType, int nLayer, int dModel, int nHead, int nKvHead, int dHead, int dMlp,
    int vocabSize, int context, double rmsNormEps, double ropeTheta, RopeScaling ropeScaling,
    boolean tieWordEmbeddings, boolean qkvBias, boolean oBias, boolean mlpBias, int slidingWindow)
    implements ModelConfig {

  /**
   * {@code rope_scaling} (transformers' {@code modeling_rope_utils}).
   *
   * @param type {@code default}, {@code linear} (every frequency divided by {@code factor}) or {@code llama3}
   * @param factor {@code factor}
   * @param lowFreqFactor {@code low_freq_factor} (llama3)
   * @param highFreqFactor {@code high_freq_factor} (llama3)
   * @param originalContext {@code original_max_position_embeddings} (llama3)
   */
  public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
      double originalContext) {
    public static final RopeScaling NONE = new RopeScaling("default", 1, 0, 0, 0);
  }

  public LlamaConfig {
    Check.that(nLayer > 0 && dModel > 0 && nHead > 0 && nKvHead > 0 && dHead > 0 && dMlp > 0 && vocabSize > 0
        && context > 0, modelType + " config: every size must be positive");
    Check.that(nHead % nKvHead == 0, "num_attention_heads " + nHead + " is not a multiple of num_key_value_heads "
        + nKvHead);
    Check.that(dHead % 2 == 0, "head_dim " + dHead + " is odd (rotary embeddings rotate pairs)");
    Check.that(rmsNormEps > 0 && ropeTheta > 0 && slidingWindow >= 0, modelType + " config: bad eps, theta or window");
  }

  /** Reads a Hugging Face Llama, Mistral or Qwen 2 {@code config.json}; each problem is one line naming the field. */
  public static LlamaConfig read(Path configJson) {
    ConfigJson c = ConfigJson.read(configJson);
    String type = c.text("model_type", "");
    Check.file(type.equals("llama") || type.equals("mistral") || type.equals("qwen2"), configJson,
        "model_type is " + type + ", not llama, mistral or qwen2");
    int dModel = c.size("hidden_size");
    int dMlp = c.size("intermediate_size");
    int nLayer = c.size("num_hidden_layers");
    int nHead = c.size("num_attention_heads");
    int vocab = c.size("vocab_size");
    int context = c.size("max_position_embeddings");
    int nKv = c.size("num_key_value_heads", nHead);
    Check.file(nHead % nKv == 0, configJson, "num_attention_heads " + nHead
        + " is not a multiple of num_key_value_heads " + nKv);
    int dHead;
    if (c.has("head_dim")) {
      dHead = c.size("head_dim");
    } else {
      Check.file(dModel % nHead == 0, configJson, "hidden_size " + dModel + " is not a multiple of num_attention_heads "
          + nHead + " (and there is no head_dim)");
      dHead = dModel / nHead;
    }
    Check.file(dHead % 2 == 0, configJson, "head_dim " + dHead + " is odd (rotary embeddings rotate pairs)");
    Check.file((long) nHead * dHead <= Integer.MAX_VALUE, configJson, "num_attention_heads x head_dim is out of range");
    String act = c.text("hidden_act", "silu");
    Check.file(act.equals("silu"), configJson, "hidden_act " + act + " is not supported (only silu)");
    double eps = c.positive("rms_norm_eps", 1e-6);
    double theta = c.positive("rope_theta", 10000);
    RopeScaling scaling = ropeScaling(c);
    boolean tie = c.bool("tie_word_embeddings", false);
    boolean attentionBias = type.equals("llama") && c.bool("attention_bias", false);
    boolean qkvBias = type.equals("qwen2") || attentionBias;
    boolean mlpBias = type.equals("llama") && c.bool("mlp_bias", false);
    int window = 0;
    if (type.equals("mistral") && c.has("sliding_window")) {
      window = c.size("sliding_window");
    }
    if (type.equals("qwen2")) {
      Check.file(!c.bool("use_sliding_window", false), configJson,
          "use_sliding_window true is not supported (Qwen 2 sliding-window layers)");
    }
    return new LlamaConfig(type, nLayer, dModel, nHead, nKv, dHead, dMlp, vocab, context, eps, theta, scaling, tie,
        qkvBias, attentionBias, mlpBias, window);
  }

  private static RopeScaling ropeScaling(ConfigJson c) {
    if (!c.has("rope_scaling")) {
      return RopeScaling.NONE;
    }
    JsonNode s = c.node("rope_scaling");
    Check.file(s.isObject(), c.file(), "rope_scaling must be an object or null, got " + s);
    JsonNode typeNode = s.has("rope_type") ? s.get("rope_type") : s.get("type");
    Check.file(typeNode != null && typeNode.isTextual(), c.file(), "rope_scaling has no rope_type");
    String type = typeNode.asText();
    String w = "rope_scaling.";
    return switch (type) {
      case "default" -> RopeScaling.NONE;
      case "linear" -> new RopeScaling("linear", c.positive(s, "factor", w), 0, 0, 0);
      case "llama3" -> {
        double factor = c.positive(s, "factor", w);
        double low = c.positive(s, "low_freq_factor", w);
        double high = c.positive(s, "high_freq_factor", w);
        double original = c.size(s, "original_max_position_embeddings", w);
        Check.file(high > low, c.file(), "rope_scaling.high_freq_factor " + high + " must exceed low_freq_factor " + low);
        yield new RopeScaling("llama3", factor, low, high, original);
      }
      default -> throw new org.featureatlas.check.AtlasException(c.file() + ": rope_scaling type " + type
          + " is not supported (default, linear, llama3)");
    };
  }

  /**
   * The rotary inverse frequencies {@code [dHead / 2]}: {@code theta^(-2j / dHead)}, then the scaling of
   * transformers' {@code _compute_linear_scaling_rope_parameters} / {@code _compute_llama3_parameters}.
   */
  public double[] inverseFrequencies() {
    double[] inv = new double[dHead / 2];
    for (int j = 0; j < inv.length; j++) {
      inv[j] = 1.0 / Math.pow(ropeTheta, (2.0 * j) / dHead);
    }
    RopeScaling s = ropeScaling;
    if (s.type().equals("linear")) {
      for (int j = 0; j < inv.length; j++) {
        inv[j] /= s.factor();
      }
    } else if (s.type().equals("llama3")) {
      double lowWavelen = s.originalContext() / s.lowFreqFactor();
      double highWavelen = s.originalContext() / s.highFreqFactor();
      for (int j = 0; j < inv.length; j++) {
        double wavelen = 2 * Math.PI / inv[j];
        if (wavelen > lowWavelen) {
          inv[j] /= s.factor();
        } else if (wavelen >= highWavelen) {
          double smooth = (s.originalContext() / wavelen - s.lowFreqFactor())
              / (s.highFreqFactor() - s.lowFreqFactor());
          inv[j] = (1 - smooth) * inv[j] / s.factor() + smooth * inv[j];
        }
      }
    }
    return inv;
  }

  @Override
  public NormKind normKind() {
    return NormKind.RMS_NORM;
  }
}
