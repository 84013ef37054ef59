package org.featureatlas.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;

/**
 * The GPT-2 hyper-parameters the forward pass needs, as in a Hugging Face {@code config.json}.
 *
 * @param nInner MLP width (HF's {@code n_inner}; null there means {@code 4 * n_embd})
 * @param activationFunction only {@code gelu_new} (or its alias {@code gelu_pytorch_tanh})
 */
public record Gpt2Config(int nLayer, int nHead, int nEmbd, int nPositions, int vocabSize, int nInner,
    double layerNormEpsilon, String activationFunction) implements ModelConfig {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  public Gpt2Config {
    Check.that(nLayer > 0 && nHead > 0 && nEmbd > 0 && nPositions > 0 && vocabSize > 0 && nInner > 0,
        "GPT-2 config: every size must be positive");
    Check.that(nEmbd % nHead == 0, "GPT-2 config: n_embd " + nEmbd + " is not a multiple of n_head " + nHead);
    Check.that(layerNormEpsilon > 0, "GPT-2 config: layer_norm_epsilon must be positive");
  }

  /** Reads a Hugging Face GPT-2 {@code config.json}. */
  public static Gpt2Config read(Path configJson) {
    Check.readableFile(configJson);
    JsonNode root;
    try {
      root = JSON.readTree(configJson.toFile());
    } catch (IOException e) {
      throw IoErrors.reading(configJson, e);
    }
    Check.file(root != null && root.isObject(), configJson, "not a JSON object");
    String type = root.path("model_type").asText("gpt2");
    Check.file(type.equals("gpt2"), configJson, "model_type is " + type + "; only gpt2 is supported");
    int nEmbd = intField(root, "n_embd", configJson);
    JsonNode inner = root.get("n_inner");
    int nInner;
    if (inner == null || inner.isNull()) {
      Check.file(nEmbd <= Integer.MAX_VALUE / 4, configJson, "n_embd " + nEmbd
          + " is out of range: the default n_inner 4 * n_embd exceeds " + Integer.MAX_VALUE);
      nInner = 4 * nEmbd;
    } else {
      nInner = intField(root, "n_inner", configJson);
    }
    String act = root.path("activation_function").asText("gelu_new");
    Check.file(act.equals("gelu_new") || act.equals("gelu_pytorch_tanh"), configJson,
        "activation_function " + act + " is not supported (only gelu_new)");
    JsonNode eps = root.get("layer_norm_epsilon");
    Check.file(eps == null || eps.isNull() || eps.isNumber(), configJson,
        "layer_norm_epsilon must be a number, got " + eps);
    double epsilon = eps == null || eps.isNull() ? 1e-5 : eps.asDouble();
    Check.file(epsilon > 0 && Double.isFinite(epsilon), configJson,
        "layer_norm_epsilon must be positive and finite, got " + eps);
    try {
      return new Gpt2Config(intField(root, "n_layer", configJson), intField(root, "n_head", configJson),
          nEmbd, intField(root, "n_positions", configJson), intField(root, "vocab_size", configJson),
          nInner, epsilon, act);
    } catch (AtlasException e) {
      throw new AtlasException(configJson + ": " + e.getMessage());
    }
  }

  /**
   * A size field: present, an integer, and in 1..{@value Integer#MAX_VALUE}. Whether the checkpoint
   * holds tensors that large is checked against its header when the weights load.
   */
  private static int intField(JsonNode root, String name, Path file) {
    JsonNode n = root.get(name);
    Check.file(n != null && !n.isNull(), file, "missing field " + name);
    Check.file(n.isIntegralNumber(), file, name + " must be an integer, got " + n);
    Check.file(n.canConvertToInt() && n.asInt() > 0, file, name + " " + n.asText()
        + " is out of range (1.." + Integer.MAX_VALUE + ")");
    return n.asInt();
  }

  /** Writes a Hugging Face-compatible {@code config.json}. */
  public void write(Path configJson) {
    ObjectNode o = JSON.createObjectNode();
    o.put("activation_function", activationFunction);
    o.putArray("architectures").add("GPT2LMHeadModel");
    o.put("layer_norm_epsilon", layerNormEpsilon);
    o.put("model_type", "gpt2");
    o.put("n_ctx", nPositions);
    o.put("n_embd", nEmbd);
    o.put("n_head", nHead);
    if (nInner == 4 * nEmbd) {
      o.putNull("n_inner");
    } else {
      o.put("n_inner", nInner);
    }
    o.put("n_layer", nLayer);
    o.put("n_positions", nPositions);
    o.put("vocab_size", vocabSize);
    try {
      Files.writeString(configJson, JSON.writeValueAsString(o) + "\n");
    } catch (IOException e) {
      throw IoErrors.writing(configJson, e);
    }
  }

  @Override
  public String modelType() {
    return "gpt2";
  }

  @Override
  public int context() {
    return nPositions;
  }

  @Override
  public NormKind normKind() {
    return NormKind.LAYER_NORM;
  }

  /** Width of the MLP hidden layer. */
  @Override
  public int dMlp() {
    return nInner;
  }

  /** Width of one attention head. */
  @Override
  public int dHead() {
    return nEmbd / nHead;
  }

  /** Width of the residual stream. */
  @Override
  public int dModel() {
    return nEmbd;
  }
}
