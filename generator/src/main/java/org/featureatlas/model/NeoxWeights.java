package org.featureatlas.model;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featureatlas.check.Check;
import org.featureatlas.io.HostTensor;

/**
 * GPT-NeoX weights on the host by Hugging Face name without the {@code gpt_neox.} prefix ({@code embed_in.weight},
 * {@code layers.0.attention.query_key_value.weight}, {@code final_layer_norm.weight}, and {@code embed_out.weight}
 * unless the embeddings are tied). Linear weights are {@code [out, in]}.
 */
public final class NeoxWeights implements ModelWeights {
  static final String EMBED_OUT = "embed_out.weight";

  private final NeoxConfig config;
  private final WeightSource tensors;
  private final List<String> files;

  private NeoxWeights(NeoxConfig config, WeightSource tensors, List<String> files) {
    this.config = config;
    this.tensors = tensors;
    this.files = List.copyOf(files);
  }

  /** Every tensor name and shape a checkpoint of {@code config} must hold, in model order. */
  public static Map<String, long[]> expectedShapes(NeoxConfig c) {
    long d = c.dModel();
    long m = c.dMlp();
    Map<String, long[]> s = new LinkedHashMap<>();
    s.put("embed_in.weight", new long[] {c.vocabSize(), d});
    for (int i = 0; i < c.nLayer(); i++) {
      String h = "layers." + i + ".";
      s.put(h + "input_layernorm.weight", new long[] {d});
      s.put(h + "input_layernorm.bias", new long[] {d});
      s.put(h + "post_attention_layernorm.weight", new long[] {d});
      s.put(h + "post_attention_layernorm.bias", new long[] {d});
      s.put(h + "attention.query_key_value.weight", new long[] {3 * d, d});
      s.put(h + "attention.dense.weight", new long[] {d, d});
      if (c.attentionBias()) {
        s.put(h + "attention.query_key_value.bias", new long[] {3 * d});
        s.put(h + "attention.dense.bias", new long[] {d});
      }
      s.put(h + "mlp.dense_h_to_4h.weight", new long[] {m, d});
      s.put(h + "mlp.dense_h_to_4h.bias", new long[] {m});
      s.put(h + "mlp.dense_4h_to_h.weight", new long[] {d, m});
      s.put(h + "mlp.dense_4h_to_h.bias", new long[] {d});
    }
    s.put("final_layer_norm.weight", new long[] {d});
    s.put("final_layer_norm.bias", new long[] {d});
    if (!c.tieWordEmbeddings()) {
      s.put(EMBED_OUT, new long[] {c.vocabSize(), d});
    }
    return s;
  }

  /**
   * Loads {@code dir/config.json} and its safetensors (single or sharded), checking the layer count and every
   * expected tensor's presence and shape from the header; the values are read (and checked finite) when the model
   * is built, one tensor at a time. Names may carry the {@code gpt_neox.}
   * prefix; other tensors (the {@code attention.bias}, {@code masked_bias} and {@code rotary_emb.inv_freq} buffers
   * of old exports) are ignored.
   */
  public static NeoxWeights load(Path dir) {
    Check.directory(dir);
    NeoxConfig config = NeoxConfig.read(dir.resolve(Gpt2Weights.CONFIG_FILE));
    List<String> files = new ArrayList<>(List.of(Gpt2Weights.CONFIG_FILE));
    WeightSource tensors = WeightSource.open(dir, "num_hidden_layers", WeightSource.LAYERS, "layer", config.nLayer(),
        () -> expectedShapes(config), Map.of(), "gpt_neox.", name -> name.equals(EMBED_OUT) ? "; tie_word_embeddings is false" : "",
        files);
    return new NeoxWeights(config, tensors, files);
  }

  @Override
  public NeoxConfig config() {
    return config;
  }

  WeightSource source() {
    return tensors;
  }

  /** All tensors by name (without the {@code gpt_neox.} prefix), sorted. */
  public Map<String, HostTensor> all() {
    return tensors.all();
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
  public NeoxModel newModel(NDManager manager) {
    return new NeoxModel(this, manager);
  }
}
