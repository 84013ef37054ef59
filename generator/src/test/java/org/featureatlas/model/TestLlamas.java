package org.featureatlas.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.SafeTensorsWriter;
import org.featureatlas.reference.ReferenceLlama;

/**
 * Small random Llama-family checkpoints in the Hugging Face layout: a {@code config.json} with the family's real
 * key names and safetensors with transformers' tensor names, written here independently of the main code's
 * loaders. Values are rounded to the stored dtype, so the float64 reference sees exactly what the model loads.
 */
public final class TestLlamas {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A checkpoint written to disk: its config as JSON, its spec for the reference, its (rounded) tensors. */
  public record Written(Path dir, ObjectNode config, ReferenceLlama.Spec spec, Map<String, float[]> tensors) {}

  private TestLlamas() {}

  /** A config.json for {@code type} with 2 layers of width 32 (keys as transformers writes them). */
  public static ObjectNode config(String type, int nHead, int nKv, int vocab) {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("architectures").add(switch (type) {
      case "qwen2" -> "Qwen2ForCausalLM";
      case "mistral" -> "MistralForCausalLM";
      default -> "LlamaForCausalLM";
    });
    o.put("model_type", type);
    o.put("hidden_size", 32);
    o.put("intermediate_size", 48);
    o.put("num_hidden_layers", 2);
    o.put("num_attention_heads", nHead);
    o.put("num_key_value_heads", nKv);
    o.put("vocab_size", vocab);
    o.put("max_position_embeddings", 64);
    o.put("rms_norm_eps", 1e-5);
    o.put("rope_theta", 10000.0);
    o.put("hidden_act", "silu");
    o.put("tie_word_embeddings", false);
    o.put("torch_dtype", "float32");
    return o;
  }

  /** The spec the reference needs, read back from {@code c} with transformers' defaults. */
  public static ReferenceLlama.Spec spec(ObjectNode c) {
    int d = c.get("hidden_size").asInt();
    int nHead = c.get("num_attention_heads").asInt();
    int dh = c.has("head_dim") ? c.get("head_dim").asInt() : d / nHead;
    var rs = c.get("rope_scaling");
    String ropeType = rs == null || rs.isNull() ? "default" : rs.has("rope_type") ? rs.get("rope_type").asText()
        : rs.get("type").asText();
    double factor = ropeType.equals("default") ? 1 : rs.get("factor").asDouble();
    double low = ropeType.equals("llama3") ? rs.get("low_freq_factor").asDouble() : 0;
    double high = ropeType.equals("llama3") ? rs.get("high_freq_factor").asDouble() : 0;
    double orig = ropeType.equals("llama3") ? rs.get("original_max_position_embeddings").asDouble() : 0;
    // Mistral always applies sliding_window; Qwen 2 only with use_sliding_window (refused by the loader).
    boolean windowed = c.get("model_type").asText().equals("mistral") || c.path("use_sliding_window").asBoolean(false);
    int window = windowed && c.has("sliding_window") && !c.get("sliding_window").isNull()
        ? c.get("sliding_window").asInt() : 0;
    return new ReferenceLlama.Spec(c.get("num_hidden_layers").asInt(), d, nHead,
        c.get("num_key_value_heads").asInt(), dh, c.get("intermediate_size").asInt(), c.get("vocab_size").asInt(),
        c.get("rms_norm_eps").asDouble(), c.get("rope_theta").asDouble(), ropeType, factor, low, high, orig,
        c.get("tie_word_embeddings").asBoolean(), window);
  }

  /**
   * Random tensors for {@code c} with transformers' names: matrices N(0, 0.25), biases N(0, 0.2), norm weights
   * 1 + N(0, 0.3), embeddings N(0, 1).
   */
  public static Map<String, float[]> tensors(ObjectNode c, Map<String, long[]> shapes, long seed) {
    Random r = new Random(seed);
    Map<String, float[]> out = new TreeMap<>();
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      long n = 1;
      for (long dim : e.getValue()) {
        n *= dim;
      }
      float[] v = new float[(int) n];
      String name = e.getKey();
      for (int i = 0; i < v.length; i++) {
        double g = r.nextGaussian();
        v[i] = (float) (name.endsWith("norm.weight") ? 1 + 0.3 * g
            : name.contains("embed_tokens") ? g : name.endsWith(".bias") ? 0.2 * g : 0.25 * g);
      }
      out.put(name, v);
    }
    return out;
  }

  /** transformers' tensor names and shapes for config {@code c} (biases as the family and config say). */
  public static Map<String, long[]> shapes(ObjectNode c) {
    String type = c.get("model_type").asText();
    long d = c.get("hidden_size").asLong();
    long m = c.get("intermediate_size").asLong();
    long nHead = c.get("num_attention_heads").asLong();
    long dh = c.has("head_dim") ? c.get("head_dim").asLong() : d / nHead;
    long q = nHead * dh;
    long kv = c.get("num_key_value_heads").asLong() * dh;
    long vocab = c.get("vocab_size").asLong();
    boolean attnBias = c.path("attention_bias").asBoolean(false);
    boolean qkvBias = type.equals("qwen2") || attnBias;
    boolean mlpBias = c.path("mlp_bias").asBoolean(false);
    Map<String, long[]> s = new LinkedHashMap<>();
    s.put("model.embed_tokens.weight", new long[] {vocab, d});
    for (int l = 0; l < c.get("num_hidden_layers").asInt(); l++) {
      String p = "model.layers." + l + ".";
      s.put(p + "input_layernorm.weight", new long[] {d});
      s.put(p + "post_attention_layernorm.weight", new long[] {d});
      for (String proj : List.of("q_proj", "k_proj", "v_proj")) {
        long out = proj.equals("q_proj") ? q : kv;
        s.put(p + "self_attn." + proj + ".weight", new long[] {out, d});
        if (qkvBias) {
          s.put(p + "self_attn." + proj + ".bias", new long[] {out});
        }
      }
      s.put(p + "self_attn.o_proj.weight", new long[] {d, q});
      if (attnBias) {
        s.put(p + "self_attn.o_proj.bias", new long[] {d});
      }
      s.put(p + "mlp.gate_proj.weight", new long[] {m, d});
      s.put(p + "mlp.up_proj.weight", new long[] {m, d});
      s.put(p + "mlp.down_proj.weight", new long[] {d, m});
      if (mlpBias) {
        s.put(p + "mlp.gate_proj.bias", new long[] {m});
        s.put(p + "mlp.up_proj.bias", new long[] {m});
        s.put(p + "mlp.down_proj.bias", new long[] {d});
      }
    }
    s.put("model.norm.weight", new long[] {d});
    if (!c.get("tie_word_embeddings").asBoolean()) {
      s.put("lm_head.weight", new long[] {vocab, d});
    }
    return s;
  }

  /**
   * Writes {@code c} and random weights into {@code dir} as {@code dtype}; with {@code shards > 1}, as that many
   * shards {@code model-0000i-of-0000n.safetensors} (tensors dealt round-robin in name order) and an index.
   */
  public static Written write(Path dir, ObjectNode c, long seed, String dtype, int shards) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c));
    Map<String, long[]> shapes = shapes(c);
    Map<String, float[]> tensors = tensors(c, shapes, seed);
    for (float[] v : tensors.values()) {
      for (int i = 0; i < v.length; i++) {
        v[i] = round(v[i], dtype);
      }
    }
    List<Map<String, HostTensor>> parts = new java.util.ArrayList<>();
    for (int k = 0; k < shards; k++) {
      parts.add(new TreeMap<>());
    }
    ObjectNode index = JSON.createObjectNode();
    index.putObject("metadata").put("total_size", 0);
    ObjectNode map = index.putObject("weight_map");
    int k = 0;
    for (Map.Entry<String, float[]> e : tensors.entrySet()) {
      parts.get(k).put(e.getKey(), new HostTensor(shapes.get(e.getKey()).clone(), e.getValue()));
      map.put(e.getKey(), shardName(k, shards));
      k = (k + 1) % shards;
    }
    if (shards == 1) {
      SafeTensorsWriter.write(dir.resolve("model.safetensors"), parts.get(0), dtype, Map.of("format", "pt"));
    } else {
      for (int i = 0; i < shards; i++) {
        SafeTensorsWriter.write(dir.resolve(shardName(i, shards)), parts.get(i), dtype, Map.of("format", "pt"));
      }
      Files.writeString(dir.resolve("model.safetensors.index.json"), JSON.writeValueAsString(index));
    }
    return new Written(dir, c, spec(c), tensors);
  }

  public static String shardName(int i, int n) {
    return String.format("model-%05d-of-%05d.safetensors", i + 1, n);
  }

  /** {@code v} as stored in {@code dtype} (round to nearest even), computed here from the bit layouts. */
  public static float round(float v, String dtype) {
    switch (dtype) {
      case "BF16" -> {
        int bits = Float.floatToRawIntBits(v);
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xffff0000);
      }
      case "F16" -> {
        // Values here are normal halves (|v| in [2^-14, 65504)) or tiny; round the mantissa to 10 bits.
        if (v == 0 || Math.abs(v) < 0x1p-14f) {
          return (float) (Math.rint(v * 0x1p24) * 0x1p-24); // subnormal grid
        }
        int e = Math.getExponent(v);
        float ulp = (float) Math.scalb(1.0, e - 10);
        return (float) (Math.rint(v / ulp) * ulp);
      }
      default -> {
        return v;
      }
    }
  }

  public static int[] tokens(int n, int vocab, long seed) {
    Random r = new Random(seed);
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(vocab);
    }
    return t;
  }
}
