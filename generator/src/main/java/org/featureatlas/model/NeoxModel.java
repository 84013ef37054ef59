package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GPT-NeoX / Pythia in DJL NDArrays, as transformers' {@code GPTNeoXForCausalLM}: token embeddings
 * ({@code embed_in}), LayerNorm {@link Block}s of {@link NeoxAttention} (fused per-head q/k/v, partial rotary) and a
 * GELU {@link DenseMlp}, parallel ({@code x + attn(ln1(x)) + mlp(ln2(x))}) or sequential, the final LayerNorm and
 * the untied {@code embed_out}. Hook values are TransformerLens's (no {@code hook_resid_mid} when parallel).
 */
public final class NeoxModel extends DecoderModel {
  private final NeoxConfig config;
  private final NDManager manager;
  private final Embedding embedding;
  private final List<Block> blocks = new ArrayList<>();
  private final LayerNorm norm;
  private final FinalNorm finalNorm;
  private final NDArray unembed;
  private final double[] invFreq;

  /** Builds {@code weights} in NDArrays owned by a sub-manager of {@code manager} (reading a checkpoint's values now). */
  public NeoxModel(NeoxWeights weights, NDManager manager) {
    this.config = weights.config();
    this.manager = manager.newSubManager();
    Map<String, NDArray> p = weights.source().toDevice(this.manager); // one tensor at a time
    NeoxConfig c = config;
    double eps = c.layerNormEps();
    this.embedding = new Embedding(p.get("embed_in.weight"), null);
    for (int i = 0; i < c.nLayer(); i++) {
      String h = "layers." + i + ".";
      blocks.add(new Block(i,
          layerNorm(p, h + "input_layernorm", eps),
          new NeoxAttention(linear(p, h + "attention.query_key_value"), linear(p, h + "attention.dense"), c.nHead(),
              c.dHead(), c.rotaryDims()),
          null,
          layerNorm(p, h + "post_attention_layernorm", eps),
          new DenseMlp(linear(p, h + "mlp.dense_h_to_4h"), linear(p, h + "mlp.dense_4h_to_h"), c.exactGelu()),
          null,
          c.parallelResidual()));
    }
    this.norm = layerNorm(p, "final_layer_norm", eps);
    this.finalNorm = new FinalNorm(NormKind.LAYER_NORM, p.get("final_layer_norm.weight"),
        p.get("final_layer_norm.bias"), eps, false);
    this.unembed = c.tieWordEmbeddings() ? p.get("embed_in.weight") : p.get(NeoxWeights.EMBED_OUT);
    this.invFreq = c.inverseFrequencies();
  }

  private static LayerNorm layerNorm(Map<String, NDArray> p, String name, double eps) {
    return new LayerNorm(p.get(name + ".weight"), p.get(name + ".bias"), eps);
  }

  private static Linear linear(Map<String, NDArray> p, String name) {
    return new Linear(p.get(name + ".weight"), p.get(name + ".bias"));
  }

  @Override
  public NeoxConfig config() {
    return config;
  }

  @Override
  String contextKey() {
    return "max_position_embeddings";
  }

  @Override
  List<Block> blocks() {
    return blocks;
  }

  @Override
  NDArray embed(NDArray tokens) {
    return embedding.apply(tokens); // [batch, seq, dModel]
  }

  @Override
  AttentionInputs attentionInputs(NDManager m, int seq) {
    NDArray[] cs = Rotary.tables(m, seq, invFreq); // [seq, rotaryDims] x 2
    return new AttentionInputs(Gpt2Model.causalMaskBias(m, seq, 0), cs[0], cs[1]); // mask [seq, seq]
  }

  @Override
  public NDArray logits(NDArray finalResid) {
    NDArray unembedT = unembed.transpose(); // [dModel, vocab]
    unembedT.attach(finalResid.getManager());
    return norm.apply(finalResid).matMul(unembedT); // [..., vocab]
  }

  @Override
  public FinalNorm finalNorm() {
    return finalNorm;
  }

  @Override
  public NDArray unembed() {
    return unembed;
  }

  @Override
  public NDArray unembedBias() {
    return null;
  }

  /** {@code mlp.hook_post} through {@code dense_4h_to_h}, {@code attn.hook_z} through {@code dense} (no biases). */
  @Override
  public NDArray toResidual(HookPoint hook, NDArray values) {
    config.checkIn(hook);
    Block block = blocks.get(hook.layer());
    return switch (hook.site()) {
      case MLP_POST -> ((DenseMlp) block.mlp()).down().noBias(values); // [..., dModel]
      case ATTN_Z -> ((NeoxAttention) block.attention()).outProjection().noBias(values); // [..., dModel]
      default -> values;
    };
  }

  @Override
  public void close() {
    manager.close();
  }
}
