package org.featureatlas.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.SafeTensorsWriter;

/**
 * Small random Gemma 2 and GPT-NeoX checkpoints in the Hugging Face layout: a {@code config.json} with each family's
 * real key names and safetensors with transformers' tensor names (and prefixes), written here independently of the
 * main code's loaders. Values are rounded to the stored dtype ({@link TestLlamas#round}), so the float64 references
 * see exactly what the model loads.
 */
public final class TestFamilies {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A checkpoint written to disk: its config and its (rounded) tensors by stored name. */
  public record Written(Path dir, ObjectNode config, Map<String, float[]> tensors) {}

  private TestFamilies() {}

  /** A Gemma 2 config.json (as transformers writes it) with 2 layers of width 32, head_dim 8, window 5. */
  public static ObjectNode gemma2(int nHead, int nKv, int vocab) {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("architectures").add("Gemma2ForCausalLM");
    o.put("model_type", "gemma2");
    o.put("hidden_size", 32);
    o.put("intermediate_size", 48);
    o.put("num_hidden_layers", 2);
    o.put("num_attention_heads", nHead);
    o.put("num_key_value_heads", nKv);
    o.put("head_dim", 8);
    o.put("vocab_size", vocab);
    o.put("max_position_embeddings", 64);
    o.put("rms_norm_eps", 1e-6);
    o.put("rope_theta", 10000.0);
    o.put("hidden_activation", "gelu_pytorch_tanh");
    o.put("hidden_act", "gelu_pytorch_tanh");
    o.put("query_pre_attn_scalar", 12);
    o.put("attn_logit_softcapping", 2.0);
    o.put("final_logit_softcapping", 3.0);
    o.put("sliding_window", 5);
    o.put("attention_bias", false);
    o.put("tie_word_embeddings", true);
    o.put("bos_token_id", 2);
    o.put("torch_dtype", "float32");
    return o;
  }

  /** A GPT-NeoX (Pythia) config.json with 2 layers of width 32 and 4 heads (keys as transformers writes them). */
  public static ObjectNode neox(boolean parallel, double rotaryPct, int vocab) {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("architectures").add("GPTNeoXForCausalLM");
    o.put("model_type", "gpt_neox");
    o.put("hidden_size", 32);
    o.put("intermediate_size", 64);
    o.put("num_hidden_layers", 2);
    o.put("num_attention_heads", 4);
    o.put("vocab_size", vocab);
    o.put("max_position_embeddings", 64);
    o.put("rotary_pct", rotaryPct);
    o.put("rotary_emb_base", 10000);
    o.put("layer_norm_eps", 1e-5);
    o.put("use_parallel_residual", parallel);
    o.put("hidden_act", "gelu");
    o.put("tie_word_embeddings", false);
    o.put("bos_token_id", 0);
    o.put("torch_dtype", "float16");
    return o;
  }

  /** transformers' Gemma 2 tensor names ({@code model.} prefix) and shapes for {@code c} (q/k/v/o biases under {@code attention_bias}). */
  public static Map<String, long[]> gemma2Shapes(ObjectNode c) {
    long d = c.get("hidden_size").asLong();
    long m = c.get("intermediate_size").asLong();
    long dh = c.get("head_dim").asLong();
    long q = c.get("num_attention_heads").asLong() * dh;
    long kv = c.get("num_key_value_heads").asLong() * dh;
    long vocab = c.get("vocab_size").asLong();
    Map<String, long[]> s = new LinkedHashMap<>();
    s.put("model.embed_tokens.weight", new long[] {vocab, d});
    for (int l = 0; l < c.get("num_hidden_layers").asInt(); l++) {
      String p = "model.layers." + l + ".";
      for (String norm : List.of("input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm",
          "post_feedforward_layernorm")) {
        s.put(p + norm + ".weight", new long[] {d});
      }
      s.put(p + "self_attn.q_proj.weight", new long[] {q, d});
      s.put(p + "self_attn.k_proj.weight", new long[] {kv, d});
      s.put(p + "self_attn.v_proj.weight", new long[] {kv, d});
      s.put(p + "self_attn.o_proj.weight", new long[] {d, q});
      if (c.get("attention_bias").asBoolean()) {
        s.put(p + "self_attn.q_proj.bias", new long[] {q});
        s.put(p + "self_attn.k_proj.bias", new long[] {kv});
        s.put(p + "self_attn.v_proj.bias", new long[] {kv});
        s.put(p + "self_attn.o_proj.bias", new long[] {d});
      }
      s.put(p + "mlp.gate_proj.weight", new long[] {m, d});
      s.put(p + "mlp.up_proj.weight", new long[] {m, d});
      s.put(p + "mlp.down_proj.weight", new long[] {d, m});
    }
    s.put("model.norm.weight", new long[] {d});
    if (!c.get("tie_word_embeddings").asBoolean()) {
      s.put("lm_head.weight", new long[] {vocab, d});
    }
    return s;
  }

  /** transformers' GPT-NeoX tensor names ({@code gpt_neox.} prefix, {@code embed_out} without) and shapes. */
  public static Map<String, long[]> neoxShapes(ObjectNode c) {
    long d = c.get("hidden_size").asLong();
    long m = c.get("intermediate_size").asLong();
    long vocab = c.get("vocab_size").asLong();
    Map<String, long[]> s = new LinkedHashMap<>();
    s.put("gpt_neox.embed_in.weight", new long[] {vocab, d});
    for (int l = 0; l < c.get("num_hidden_layers").asInt(); l++) {
      String p = "gpt_neox.layers." + l + ".";
      for (String norm : List.of("input_layernorm", "post_attention_layernorm")) {
        s.put(p + norm + ".weight", new long[] {d});
        s.put(p + norm + ".bias", new long[] {d});
      }
      s.put(p + "attention.query_key_value.weight", new long[] {3 * d, d});
      s.put(p + "attention.query_key_value.bias", new long[] {3 * d});
      s.put(p + "attention.dense.weight", new long[] {d, d});
      s.put(p + "attention.dense.bias", new long[] {d});
      s.put(p + "mlp.dense_h_to_4h.weight", new long[] {m, d});
      s.put(p + "mlp.dense_h_to_4h.bias", new long[] {m});
      s.put(p + "mlp.dense_4h_to_h.weight", new long[] {d, m});
      s.put(p + "mlp.dense_4h_to_h.bias", new long[] {d});
    }
    s.put("gpt_neox.final_layer_norm.weight", new long[] {d});
    s.put("gpt_neox.final_layer_norm.bias", new long[] {d});
    s.put("embed_out.weight", new long[] {vocab, d});
    return s;
  }

  /**
   * Writes {@code c} and random tensors of {@code shapes} (matrices N(0, 0.25), biases N(0, 0.2), norm weights
   * 1 + N(0, 0.3), Gemma's stored norm weights N(0, 0.3) as it applies 1 + w, embeddings N(0, 1)) rounded to
   * {@code dtype}; with {@code shards > 1}, as that many shards and an index.
   */
  public static Written write(Path dir, ObjectNode c, Map<String, long[]> shapes, long seed, String dtype, int shards)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c));
    boolean gemma = c.get("model_type").asText().equals("gemma2");
    Random r = new Random(seed);
    Map<String, float[]> tensors = new TreeMap<>();
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      long n = 1;
      for (long dim : e.getValue()) {
        n *= dim;
      }
      float[] v = new float[(int) n];
      String name = e.getKey();
      for (int i = 0; i < v.length; i++) {
        double g = r.nextGaussian();
        double x = name.endsWith("norm.weight") ? (gemma ? 0.3 * g : 1 + 0.3 * g)
            : name.contains("embed_tokens") || name.contains("embed_in") ? g : name.endsWith(".bias") ? 0.2 * g : 0.25 * g;
        v[i] = TestLlamas.round((float) x, dtype);
      }
      tensors.put(name, v);
    }
    List<Map<String, HostTensor>> parts = new ArrayList<>();
    for (int k = 0; k < shards; k++) {
      parts.add(new TreeMap<>());
    }
    ObjectNode index = JSON.createObjectNode();
    index.putObject("metadata").put("total_size", 0);
    ObjectNode map = index.putObject("weight_map");
    int k = 0;
    for (Map.Entry<String, float[]> e : tensors.entrySet()) {
      parts.get(k).put(e.getKey(), new HostTensor(shapes.get(e.getKey()).clone(), e.getValue()));
      map.put(e.getKey(), TestLlamas.shardName(k, shards));
      k = (k + 1) % shards;
    }
    if (shards == 1) {
      SafeTensorsWriter.write(dir.resolve("model.safetensors"), parts.get(0), dtype, Map.of("format", "pt"));
    } else {
      for (int i = 0; i < shards; i++) {
        SafeTensorsWriter.write(dir.resolve(TestLlamas.shardName(i, shards)), parts.get(i), dtype,
            Map.of("format", "pt"));
      }
      Files.writeString(dir.resolve("model.safetensors.index.json"), JSON.writeValueAsString(index));
    }
    return new Written(dir, c, tensors);
  }
}
