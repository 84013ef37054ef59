package org.featureatlas.model;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.featureatlas.io.HostTensor;
import java.util.Map;
import org.featureatlas.check.Check;

/**
 * Llama-family weights on the host by Hugging Face name without the {@code model.} prefix ({@code embed_tokens.weight},
 * {@code layers.0.self_attn.q_proj.weight}, {@code norm.weight}, and {@code lm_head.weight} unless the embeddings
 * are tied). Linear weights are {@code [out, in]}.
 */
public final class LlamaWeights implements ModelWeights {
  static final String LM_HEAD = "lm_head.weight";
  private static final String PREFIX = "model.";

  private final LlamaConfig config;
  private final WeightSource tensors;
  private final List<String> files;

  private LlamaWeights(LlamaConfig config, WeightSource tensors, List<String> files) {
    this.config = config;
    this.tensors = tensors;
    this.files = List.copyOf(files);
  }

  /** Every tensor name and shape a checkpoint of {@code config} must hold, in model order. */
  public static Map<String, long[]> expectedShapes(LlamaConfig c) {
    long d = c.dModel();
    long m = c.dMlp();
    long q = (long) c.nHead() * c.dHead();
    long kv = (long) c.nKvHead() * c.dHead();
    Map<String, long[]> s = new LinkedHashMap<>();
    s.put("embed_tokens.weight", new long[] {c.vocabSize(), d});
    for (int i = 0; i < c.nLayer(); i++) {
      String h = "layers." + i + ".";
      s.put(h + "input_layernorm.weight", new long[] {d});
      s.put(h + "self_attn.q_proj.weight", new long[] {q, d});
      s.put(h + "self_attn.k_proj.weight", new long[] {kv, d});
      s.put(h + "self_attn.v_proj.weight", new long[] {kv, d});
      if (c.qkvBias()) {
        s.put(h + "self_attn.q_proj.bias", new long[] {q});
        s.put(h + "self_attn.k_proj.bias", new long[] {kv});
        s.put(h + "self_attn.v_proj.bias", new long[] {kv});
      }
      s.put(h + "self_attn.o_proj.weight", new long[] {d, q});
      if (c.oBias()) {
        s.put(h + "self_attn.o_proj.bias", new long[] {d});
      }
      s.put(h + "post_attention_layernorm.weight", new long[] {d});
      s.put(h + "mlp.gate_proj.weight", new long[] {m, d});
      s.put(h + "mlp.up_proj.weight", new long[] {m, d});
      s.put(h + "mlp.down_proj.weight", new long[] {d, m});
      if (c.mlpBias()) {
        s.put(h + "mlp.gate_proj.bias", new long[] {m});
        s.put(h + "mlp.up_proj.bias", new long[] {m});
        s.put(h + "mlp.down_proj.bias", new long[] {d});
      }
    }
    s.put("norm.weight", new long[] {d});
    if (!c.tieWordEmbeddings()) {
      s.put(LM_HEAD, new long[] {c.vocabSize(), d});
    }
    return s;
  }

  /**
   * Loads {@code dir/config.json} and checks its safetensors ({@code model.safetensors} or sharded) from the header:
   * the layer count and every expected tensor's presence and shape. The values are read when the model is built
   * (one tensor at a time) and checked finite then. Names may carry the {@code model.} prefix; other tensors (rotary
   * buffers of old exports, an lm_head of a tied checkpoint) are ignored.
   */
  public static LlamaWeights load(Path dir) {
    Check.directory(dir);
    LlamaConfig config = LlamaConfig.read(dir.resolve(Gpt2Weights.CONFIG_FILE));
    List<String> files = new ArrayList<>(List.of(Gpt2Weights.CONFIG_FILE));
    WeightSource source = WeightSource.open(dir, "num_hidden_layers", WeightSource.LAYERS, "layer", config.nLayer(),
        () -> expectedShapes(config), Map.of(), PREFIX, name -> name.equals(LM_HEAD) ? "; tie_word_embeddings is false" : "",
        files);
    return new LlamaWeights(config, source, files);
  }

  @Override
  public LlamaConfig config() {
    return config;
  }

  /** The tensor {@code name} (without the {@code model.} prefix), read from the checkpoint. */
  public HostTensor get(String name) {
    return tensors.get(name);
  }

  /** All tensors by name, sorted, read into Java (tests; a model is built one tensor at a time). */
  public Map<String, HostTensor> all() {
    return tensors.all();
  }

  WeightSource source() {
    return tensors;
  }

  @Override
  public long parameterCount() {
    return tensors.parameterCount();
  }

  @Override
  public long largestTensor() {
    return tensors.largestTensor();
  }

  @Override
  public List<String> files() {
    return files;
  }

  @Override
  public LlamaModel newModel(NDManager manager) {
    return new LlamaModel(this, manager);
  }
}
