package org.featureatlas.model;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.featureatlas.check.Check;
import org.featureatlas.io.HostTensor;

/**
 * Llama-family weights on the host by Hugging Face name without the {@code model.} prefix ({@code embed_tokens.weight},
 * {@code layers.0.self_attn.q_proj.weight}, {@code norm.weight}, and {@code lm_head.weight} unless the embeddings
 * are tied). Linear weights are {@code [out, in]}.
 */
public final class LlamaWeights implements ModelWeights {
  static final String LM_HEAD = "lm_head.weight";
  private static final String PREFIX = "model.";
  private static final Pattern BLOCK = Pattern.compile("layers\\.(\\d+)\\.");

  private final LlamaConfig config;
  private final Map<String, HostTensor> tensors;
  private final List<String> files;

  private LlamaWeights(LlamaConfig config, Map<String, HostTensor> tensors, List<String> files) {
    this.config = config;
    this.tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
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
   * Loads {@code dir/config.json} and its safetensors ({@code model.safetensors} or sharded), checking every
   * expected tensor's presence and header shape before reading it, then its values (finite). Names may carry the
   * {@code model.} prefix; other tensors (rotary buffers of old exports, an lm_head of a tied checkpoint) are ignored.
   */
  public static LlamaWeights load(Path dir) {
    Check.directory(dir);
    Path configFile = dir.resolve(Gpt2Weights.CONFIG_FILE);
    LlamaConfig config = LlamaConfig.read(configFile);
    Map<String, HostTensor> tensors = new TreeMap<>();
    List<String> files = new ArrayList<>(List.of(Gpt2Weights.CONFIG_FILE));
    try (Checkpoint st = Checkpoint.open(dir)) {
      files.addAll(st.files());
      Map<String, String> stored = new TreeMap<>();
      for (String name : st.names()) {
        stored.put(name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name, name);
      }
      checkBlockCount(config, stored.keySet(), configFile, st.source().getFileName().toString());
      for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
        String name = stored.get(e.getKey());
        String why = e.getKey().equals(LM_HEAD) ? "; tie_word_embeddings is false" : "";
        Check.file(name != null, st.source(), "missing tensor " + e.getKey() + " (expected shape "
            + Arrays.toString(e.getValue()) + why + ")");
        long[] found = st.shape(name);
        Check.file(Arrays.equals(found, e.getValue()), st.fileOf(name), "tensor " + name + " has shape "
            + Arrays.toString(found) + ", expected " + Arrays.toString(e.getValue()) + " from " + Gpt2Weights.CONFIG_FILE);
        HostTensor t = st.get(name);
        Check.finite(t.data(), st.fileOf(name), name);
        tensors.put(e.getKey(), t);
      }
    }
    return new LlamaWeights(config, tensors, files);
  }

  private static void checkBlockCount(LlamaConfig config, Set<String> names, Path configFile, String weights) {
    Set<Integer> blocks = new HashSet<>();
    for (String name : names) {
      Matcher m = BLOCK.matcher(name);
      if (m.lookingAt()) {
        try {
          blocks.add(Integer.parseInt(m.group(1)));
        } catch (NumberFormatException e) {
          // not one of ours
        }
      }
    }
    Check.file(config.nLayer() <= blocks.size(), configFile, "num_hidden_layers " + config.nLayer() + " but "
        + weights + " holds " + blocks.size() + (blocks.size() == 1 ? " layer" : " layers"));
  }

  @Override
  public LlamaConfig config() {
    return config;
  }

  /** The tensor {@code name} (without the {@code model.} prefix). */
  public HostTensor get(String name) {
    HostTensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no tensor named " + name);
    }
    return t;
  }

  /** All tensors by name, sorted. */
  public Map<String, HostTensor> all() {
    return tensors;
  }

  @Override
  public long parameterCount() {
    long n = 0;
    for (HostTensor t : tensors.values()) {
      n += t.data().length;
    }
    return n;
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
