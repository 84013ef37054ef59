package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Llama family (Llama 2/3.x, Mistral, Qwen 2) in DJL NDArrays, as transformers' {@code LlamaForCausalLM}:
 * token embeddings, pre-RMSNorm {@link Block}s of {@link LlamaAttention} (rotary, grouped-query) and
 * {@link GatedMlp} (SwiGLU), the final RMSNorm and the unembedding ({@code lm_head}, or the tied
 * {@code embed_tokens}). Hook values are TransformerLens's (see docs/model.md).
 */
public final class LlamaModel extends DecoderModel {
  private final LlamaConfig config;
  private final NDManager manager;
  private final Embedding embedding;
  private final List<Block> blocks = new ArrayList<>();
  private final RmsNorm norm;
  private final FinalNorm finalNorm;
  private final NDArray unembed;
  private final double[] invFreq;

  /** Builds {@code weights} in NDArrays owned by a sub-manager of {@code manager} (reading a checkpoint's values now). */
  public LlamaModel(LlamaWeights weights, NDManager manager) {
    this.config = weights.config();
    this.manager = manager.newSubManager();
    Map<String, NDArray> p = weights.source().toDevice(this.manager); // one tensor at a time
    LlamaConfig c = config;
    this.embedding = new Embedding(p.get("embed_tokens.weight"), null);
    for (int i = 0; i < c.nLayer(); i++) {
      String h = "layers." + i + ".";
      String a = h + "self_attn.";
      String m = h + "mlp.";
      blocks.add(new Block(i,
          new RmsNorm(p.get(h + "input_layernorm.weight"), c.rmsNormEps()),
          new LlamaAttention(linear(p, a + "q_proj"), linear(p, a + "k_proj"), linear(p, a + "v_proj"),
              linear(p, a + "o_proj"), c.nHead(), c.nKvHead(), c.dHead()),
          new RmsNorm(p.get(h + "post_attention_layernorm.weight"), c.rmsNormEps()),
          new GatedMlp(linear(p, m + "gate_proj"), linear(p, m + "up_proj"), linear(p, m + "down_proj"))));
    }
    this.norm = new RmsNorm(p.get("norm.weight"), c.rmsNormEps());
    this.finalNorm = new FinalNorm(NormKind.RMS_NORM, p.get("norm.weight"), null, c.rmsNormEps(), false);
    this.unembed = c.tieWordEmbeddings() ? p.get("embed_tokens.weight") : p.get(LlamaWeights.LM_HEAD);
    this.invFreq = c.inverseFrequencies();
  }

  private static Linear linear(Map<String, NDArray> p, String name) {
    return new Linear(p.get(name + ".weight"), p.get(name + ".bias"));
  }

  @Override
  public LlamaConfig config() {
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
    return rotaryInputs(m, seq);
  }

  /** The causal (and, for Mistral, sliding-window) mask and the rotary tables {@code cat(p f, p f)} of positions 0..seq-1. */
  private AttentionInputs rotaryInputs(NDManager m, int seq) {
    NDArray[] cs = Rotary.tables(m, seq, invFreq); // [seq, dHead] x 2
    return new AttentionInputs(Gpt2Model.causalMaskBias(m, seq, config.slidingWindow()), cs[0], cs[1]); // mask [seq, seq]
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

  /** {@code mlp.hook_post} through {@code down_proj}, {@code attn.hook_z} through {@code o_proj} (no biases). */
  @Override
  public NDArray toResidual(HookPoint hook, NDArray values) {
    config.checkIn(hook);
    Block block = blocks.get(hook.layer());
    return switch (hook.site()) {
      case MLP_POST -> ((GatedMlp) block.mlp()).down().noBias(values); // [..., dModel]
      case ATTN_Z -> ((LlamaAttention) block.attention()).outProjection().noBias(values); // [..., dModel]
      default -> values;
    };
  }

  @Override
  public void close() {
    manager.close();
  }
}
