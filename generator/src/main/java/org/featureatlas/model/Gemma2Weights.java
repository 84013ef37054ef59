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
 * Gemma 2 weights on the host by Hugging Face name without the {@code model.} prefix ({@code embed_tokens.weight},
 * {@code layers.0.pre_feedforward_layernorm.weight}, {@code norm.weight}, and {@code lm_head.weight} unless the
 * embeddings are tied). Linear weights are {@code [out, in]}; norm weights are stored as {@code w} and applied as
 * {@code 1 + w}.
 */
public final class Gemma2Weights implements ModelWeights {
  private final Gemma2Config config;
  private final WeightSource tensors;
  private final List<String> files;

  private Gemma2Weights(Gemma2Config config, WeightSource tensors, List<String> files) {
    this.config = config;
    this.tensors = tensors;
    this.files = List.copyOf(files);
  }

  /** Every tensor name and shape a checkpoint of {@code config} must hold, in model order. */
  public static Map<String, long[]> expectedShapes(Gemma2Config c) {
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
      s.put(h + "self_attn.o_proj.weight", new long[] {d, q});
      if (c.attentionBias()) {
        s.put(h + "self_attn.q_proj.bias", new long[] {q});
        s.put(h + "self_attn.k_proj.bias", new long[] {kv});
        s.put(h + "self_attn.v_proj.bias", new long[] {kv});
        s.put(h + "self_attn.o_proj.bias", new long[] {d});
      }
      s.put(h + "post_attention_layernorm.weight", new long[] {d});
      s.put(h + "pre_feedforward_layernorm.weight", new long[] {d});
      s.put(h + "mlp.gate_proj.weight", new long[] {m, d});
      s.put(h + "mlp.up_proj.weight", new long[] {m, d});
      s.put(h + "mlp.down_proj.weight", new long[] {d, m});
      s.put(h + "post_feedforward_layernorm.weight", new long[] {d});
    }
    s.put("norm.weight", new long[] {d});
    if (!c.tieWordEmbeddings()) {
      s.put(LlamaWeights.LM_HEAD, new long[] {c.vocabSize(), d});
    }
    return s;
  }

  /**
   * Loads {@code dir/config.json} and its safetensors (single or sharded), checking the layer count and every
   * expected tensor's presence and shape from the header; the values are read (and checked finite) when the model
   * is built, one tensor at a time. Names may carry the {@code model.}
   * prefix; other tensors (an lm_head of a tied checkpoint) are ignored.
   */
  public static Gemma2Weights load(Path dir) {
    Check.directory(dir);
    Gemma2Config config = Gemma2Config.read(dir.resolve(Gpt2Weights.CONFIG_FILE));
    List<String> files = new ArrayList<>(List.of(Gpt2Weights.CONFIG_FILE));
    WeightSource tensors = WeightSource.open(dir, "num_hidden_layers", WeightSource.LAYERS, "layer", config.nLayer(),
        () -> expectedShapes(config), Map.of(), "model.", name -> name.equals(LlamaWeights.LM_HEAD) ? "; tie_word_embeddings is false"
            : "", files);
    return new Gemma2Weights(config, tensors, files);
  }

  @Override
  public Gemma2Config config() {
    return config;
  }

  WeightSource source() {
    return tensors;
  }

  /** All tensors by name (without the {@code model.} prefix), sorted. */
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
  public Gemma2Model newModel(NDManager manager) {
    return new Gemma2Model(this, manager);
  }
}
