package org.featureatlas.sae;

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
 * The parts of a SAELens {@code cfg.json} the atlas needs. Reads SAELens v6 configs (hook and model
 * under {@code metadata}) and older flat ones ({@code hook_point} or {@code hook_name} at the top).
 *
 * @param k number of kept features per position for {@link Architecture#TOPK}, else 0
 * @param centerWritingWeights the TransformerLens {@code center_writing_weights} the SAE was
 *     trained with; null when the config has no {@code model_from_pretrained_kwargs} (then
 *     centring applies, see feature-math.md)
 * @param modelName the model the SAE was trained on, or null
 */
public record SaeConfig(Architecture architecture, int dIn, int dSae, String hookName,
    boolean applyBDecToInput, int k, Boolean centerWritingWeights, String modelName) {

  public static final String FILE = "cfg.json";
  /**
   * The {@code normalize_activations} value whose scaling factor {@link SaeWeights} folds into the
   * weights at load ({@link NormScaling}).
   */
  public static final String EXPECTED_AVERAGE = "expected_average_only_in";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  public SaeConfig {
    Check.that(architecture != null, "SAE architecture missing");
    Check.that(dIn > 0 && dSae > 0, "SAE d_in and d_sae must be positive, got " + dIn + " and " + dSae);
    Check.that(hookName != null && !hookName.isBlank(), "SAE hook name missing");
    if (architecture == Architecture.TOPK) {
      Check.that(k > 0 && k <= dSae, "topk SAE: k must be in 1.." + dSae + ", got " + k);
    }
  }

  /** Whether hook values must be centred over d_model, by the rule in feature-math.md (null means yes). */
  public boolean centringApplies() {
    return centerWritingWeights == null || centerWritingWeights;
  }

  /** Reads a SAELens {@code cfg.json}. */
  public static SaeConfig read(Path cfgJson) {
    Check.readableFile(cfgJson);
    JsonNode root;
    try {
      root = JSON.readTree(cfgJson.toFile());
    } catch (IOException e) {
      throw IoErrors.reading(cfgJson, e);
    }
    Check.file(root != null && root.isObject(), cfgJson, "not a JSON object");
    JsonNode meta = root.path("metadata");
    String hook = text(meta, "hook_name");
    if (hook == null) {
      hook = text(root, "hook_name");
    }
    if (hook == null) {
      hook = text(root, "hook_point");
    }
    Check.file(hook != null, cfgJson, "no hook name (metadata.hook_name, hook_name or hook_point)");
    String model = text(meta, "model_name");
    if (model == null) {
      model = text(root, "model_name");
    }
    JsonNode kwargs = meta.get("model_from_pretrained_kwargs");
    if (kwargs == null || kwargs.isNull()) {
      kwargs = root.get("model_from_pretrained_kwargs");
    }
    Boolean centre = null;
    if (kwargs != null && kwargs.isObject()) {
      JsonNode c = kwargs.get("center_writing_weights");
      // TransformerLens's default is true when the kwargs are given without this key.
      centre = c == null || c.isNull() ? Boolean.TRUE : c.asBoolean();
    }
    String archName = text(root, "architecture");
    Architecture arch;
    try {
      arch = archName == null ? Architecture.STANDARD : Architecture.parse(archName);
    } catch (AtlasException e) {
      throw new AtlasException(cfgJson + ": " + e.getMessage());
    }
    int k = 0;
    if (arch == Architecture.TOPK) {
      String kName = root.hasNonNull("k") ? "k" : "activation_fn_kwargs.k";
      JsonNode kNode = root.hasNonNull("k") ? root.get("k") : root.path("activation_fn_kwargs").get("k");
      Check.file(kNode != null && !kNode.isNull(), cfgJson, "topk SAE without k (k or activation_fn_kwargs.k)");
      Check.file(kNode.isIntegralNumber(), cfgJson, "topk SAE: " + kName + " must be an integer, got " + kNode);
      Check.file(kNode.canConvertToInt() && kNode.asInt() >= 1, cfgJson,
          "topk SAE: " + kName + " must be >= 1, got " + kNode.asText());
      k = kNode.asInt();
    }
    JsonNode applyNode = root.get("apply_b_dec_to_input");
    boolean apply = applyNode == null || applyNode.isNull() || applyNode.asBoolean();
    normalization(cfgJson, root);
    int dIn = intField(root, "d_in", cfgJson);
    int dSae = intField(root, "d_sae", cfgJson);
    try {
      return new SaeConfig(arch, dIn, dSae, hook, apply, k, centre, model);
    } catch (AtlasException e) {
      throw new AtlasException(cfgJson + ": " + e.getMessage());
    }
  }

  /**
   * The config's {@code normalize_activations}: {@code "none"} (also for a missing, null or false
   * field) or {@link #EXPECTED_AVERAGE}; anything else (SAELens's per-input {@code layer_norm} or
   * {@code constant_norm_rescale}) is refused.
   */
  public static String normalization(Path cfgJson) {
    Check.readableFile(cfgJson);
    try {
      return normalization(cfgJson, JSON.readTree(cfgJson.toFile()));
    } catch (IOException e) {
      throw IoErrors.reading(cfgJson, e);
    }
  }

  private static String normalization(Path cfgJson, JsonNode root) {
    JsonNode norm = root == null ? null : root.get("normalize_activations");
    if (norm == null || norm.isNull() || (norm.isBoolean() && !norm.asBoolean()) || norm.asText().equals("none")) {
      return "none";
    }
    Check.file(norm.asText().equals(EXPECTED_AVERAGE), cfgJson, "normalize_activations " + norm
        + " is not supported (only none or " + EXPECTED_AVERAGE + ")");
    return EXPECTED_AVERAGE;
  }

  private static String text(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  /**
   * A size field: present, an integer, and in 1..{@value Integer#MAX_VALUE}. Whether the weights file
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

  /** Writes a SAELens v6-style {@code cfg.json}. */
  public void write(Path cfgJson) {
    ObjectNode o = JSON.createObjectNode();
    o.put("architecture", architecture.configName());
    o.put("d_in", dIn);
    o.put("d_sae", dSae);
    o.put("dtype", "float32");
    o.put("apply_b_dec_to_input", applyBDecToInput);
    if (architecture == Architecture.TOPK) {
      o.put("k", k);
    }
    ObjectNode meta = o.putObject("metadata");
    meta.put("hook_name", hookName);
    if (modelName != null) {
      meta.put("model_name", modelName);
    }
    if (centerWritingWeights != null) {
      meta.putObject("model_from_pretrained_kwargs").put("center_writing_weights", centerWritingWeights);
    }
    try {
      Files.writeString(cfgJson, JSON.writeValueAsString(o) + "\n");
    } catch (IOException e) {
      throw IoErrors.writing(cfgJson, e);
    }
  }
}
