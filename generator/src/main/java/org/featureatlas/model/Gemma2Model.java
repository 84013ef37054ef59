package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gemma 2 in DJL NDArrays, as transformers' {@code Gemma2ForCausalLM}: token embeddings times
 * {@code sqrt(hidden_size)} (rounded to float, as transformers' {@code normalizer}), {@link Block}s with RMSNorms
 * (scaling by {@code 1 + weight}) before and after both the attention ({@link LlamaAttention} with
 * {@code query_pre_attn_scalar}, soft-capping and sliding windows in the even layers) and the GeGLU
 * {@link GatedMlp}, the final RMSNorm, the unembedding and the final-logit soft cap {@code c tanh(logits / c)}.
 * Hook values are TransformerLens's: {@code hook_attn_out} and {@code hook_mlp_out} are after the post-norms.
 */
public final class Gemma2Model extends DecoderModel {
  private final Gemma2Config config;
  private final NDManager manager;
  private final Embedding embedding;
  private final List<Block> blocks = new ArrayList<>();
  private final List<NDArray> postAttnScale = new ArrayList<>();
  private final List<NDArray> postMlpScale = new ArrayList<>();
  private final RmsNorm norm;
  private final FinalNorm finalNorm;
  private final NDArray unembed;
  private final double[] invFreq;
  private final float normalizer;

  /** Builds {@code weights} in NDArrays owned by a sub-manager of {@code manager} (reading a checkpoint's values now). */
  public Gemma2Model(Gemma2Weights weights, NDManager manager) {
    this.config = weights.config();
    this.manager = manager.newSubManager();
    Map<String, NDArray> p = weights.source().toDevice(this.manager); // one tensor at a time
    Gemma2Config c = config;
    this.embedding = new Embedding(p.get("embed_tokens.weight"), null);
    this.normalizer = (float) Math.sqrt(c.dModel());
    double scaling = 1 / Math.sqrt(c.queryPreAttnScalar());
    for (int i = 0; i < c.nLayer(); i++) {
      String h = "layers." + i + ".";
      String a = h + "self_attn.";
      String m = h + "mlp.";
      NDArray postAttn = unitOffset(p.get(h + "post_attention_layernorm.weight"));
      NDArray postMlp = unitOffset(p.get(h + "post_feedforward_layernorm.weight"));
      postAttnScale.add(postAttn);
      postMlpScale.add(postMlp);
      blocks.add(new Block(i,
          new RmsNorm(unitOffset(p.get(h + "input_layernorm.weight")), c.rmsNormEps()),
          new LlamaAttention(linear(p, a + "q_proj"), linear(p, a + "k_proj"), linear(p, a + "v_proj"),
              linear(p, a + "o_proj"), c.nHead(), c.nKvHead(), c.dHead(), scaling, c.attnSoftcap(), c.sliding(i)),
          new RmsNorm(postAttn, c.rmsNormEps()),
          new RmsNorm(unitOffset(p.get(h + "pre_feedforward_layernorm.weight")), c.rmsNormEps()),
          new GatedMlp(linear(p, m + "gate_proj"), linear(p, m + "up_proj"), linear(p, m + "down_proj"), true),
          new RmsNorm(postMlp, c.rmsNormEps()),
          false));
    }
    this.norm = new RmsNorm(unitOffset(p.get("norm.weight")), c.rmsNormEps());
    this.finalNorm = new FinalNorm(NormKind.RMS_NORM, p.get("norm.weight"), null, c.rmsNormEps(), true);
    this.unembed = c.tieWordEmbeddings() ? p.get("embed_tokens.weight") : p.get(LlamaWeights.LM_HEAD);
    this.invFreq = c.inverseFrequencies();
  }

  /** {@code 1 + w} {@code [dModel]}, owned by the model. */
  private NDArray unitOffset(NDArray w) {
    NDArray s = w.add(1f); // [dModel]
    s.attach(manager);
    return s;
  }

  private static Linear linear(Map<String, NDArray> p, String name) {
    return new Linear(p.get(name + ".weight"), p.get(name + ".bias"));
  }

  @Override
  public Gemma2Config config() {
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
    return embedding.apply(tokens).mul(normalizer); // [batch, seq, dModel]
  }

  @Override
  AttentionInputs attentionInputs(NDManager m, int seq) {
    NDArray[] cs = Rotary.tables(m, seq, invFreq); // [seq, dHead] x 2
    return new AttentionInputs(Gpt2Model.causalMaskBias(m, seq, 0), cs[0], cs[1],
        Gpt2Model.causalMaskBias(m, seq, config.slidingWindow())); // masks [seq, seq]
  }

  /** The final RMSNorm, the unembedding, and the final-logit soft cap when the config has one. */
  @Override
  public NDArray logits(NDArray finalResid) {
    NDArray logits = rawLogits(finalResid); // [..., vocab]
    double cap = config.finalSoftcap();
    return cap > 0 ? logits.div(cap).tanh().mul(cap) : logits; // [..., vocab]
  }

  /** The final RMSNorm and the unembedding, before the soft cap. */
  @Override
  public NDArray rawLogits(NDArray finalResid) {
    NDArray unembedT = unembed.transpose(); // [dModel, vocab]
    unembedT.attach(finalResid.getManager());
    return norm.apply(finalResid).matMul(unembedT); // [..., vocab]
  }

  @Override
  public double finalSoftcap() {
    return config.finalSoftcap();
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

  /**
   * {@code mlp.hook_post} through {@code down_proj}, {@code attn.hook_z} through {@code o_proj}, without bias: the
   * input of the post-norm that follows ({@link #postNorm}). The identity for every other site.
   */
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

  /**
   * {@code post_feedforward_layernorm} after {@code mlp.hook_post} (no bias before it), {@code post_attention_layernorm}
   * after {@code attn.hook_z} (with {@code o_proj}'s bias under {@code attention_bias}); null for every other site.
   */
  @Override
  public PostNorm postNorm(HookPoint hook) {
    config.checkIn(hook);
    Block block = blocks.get(hook.layer());
    return switch (hook.site()) {
      case MLP_POST -> new PostNorm(postMlpScale.get(hook.layer()), config.rmsNormEps(),
          ((GatedMlp) block.mlp()).down().bias());
      case ATTN_Z -> new PostNorm(postAttnScale.get(hook.layer()), config.rmsNormEps(),
          ((LlamaAttention) block.attention()).outProjection().bias());
      default -> null;
    };
  }

  @Override
  public void close() {
    manager.close();
  }
}
