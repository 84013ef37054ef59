package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.featureatlas.io.HostTensor;

/**
 * GPT-2 in DJL NDArrays, read top to bottom like nanoGPT: {@link Embedding}, then {@link Block}s
 * ({@link LayerNorm}, {@link Attention}, {@link Mlp}), then the final LayerNorm and the unembedding.
 * The forward pass uses only NDArray ops, so it is differentiable under a DJL GradientCollector.
 * Hook values are requested per call ({@link ForwardOptions}), never registered on the model.
 */
public final class Gpt2Model extends DecoderModel {
  private final Gpt2Config config;
  private final NDManager manager;
  private final Map<String, NDArray> params;
  private final String unembedName;
  private final Embedding embedding;
  private final List<Block> blocks = new ArrayList<>();
  private final LayerNorm lnF;
  private final FinalNorm finalNorm;

  /** Builds {@code weights} in NDArrays owned by a sub-manager of {@code manager} (reading a checkpoint's values now). */
  public Gpt2Model(Gpt2Weights weights, NDManager manager) {
    this.config = weights.config();
    this.manager = manager.newSubManager();
    Map<String, NDArray> p = weights.source().toDevice(this.manager); // one tensor at a time
    this.params = Collections.unmodifiableMap(p);
    this.unembedName = weights.unembedName();
    this.embedding = new Embedding(p.get("wte.weight"), p.get("wpe.weight"));
    for (int i = 0; i < config.nLayer(); i++) {
      String h = "h." + i + ".";
      blocks.add(new Block(i,
          new LayerNorm(p.get(h + "ln_1.weight"), p.get(h + "ln_1.bias"), config.layerNormEpsilon()),
          new Attention(new Conv1D(p.get(h + "attn.c_attn.weight"), p.get(h + "attn.c_attn.bias")),
              new Conv1D(p.get(h + "attn.c_proj.weight"), p.get(h + "attn.c_proj.bias")), config.nHead()),
          new LayerNorm(p.get(h + "ln_2.weight"), p.get(h + "ln_2.bias"), config.layerNormEpsilon()),
          new Mlp(new Conv1D(p.get(h + "mlp.c_fc.weight"), p.get(h + "mlp.c_fc.bias")),
              new Conv1D(p.get(h + "mlp.c_proj.weight"), p.get(h + "mlp.c_proj.bias")))));
    }
    this.lnF = new LayerNorm(p.get("ln_f.weight"), p.get("ln_f.bias"), config.layerNormEpsilon());
    this.finalNorm = new FinalNorm(NormKind.LAYER_NORM, p.get("ln_f.weight"), p.get("ln_f.bias"),
        config.layerNormEpsilon(), false);
  }

  /**
   * A float32 NDArray holding {@code t}, via a fresh direct native-order buffer (fast for big
   * arrays; the buffer may be shared with the array, so it is never reused).
   */
  public static NDArray toNd(HostTensor t, NDManager manager) {
    ByteBuffer buf = ByteBuffer.allocateDirect(Math.multiplyExact(t.data().length, 4))
        .order(ByteOrder.nativeOrder());
    buf.asFloatBuffer().put(t.data());
    return manager.create(buf, new Shape(t.shape()), DataType.FLOAT32);
  }

  @Override
  public Gpt2Config config() {
    return config;
  }

  @Override
  public FinalNorm finalNorm() {
    return finalNorm;
  }

  /** {@code lm_head.weight} when the checkpoint has one, else the tied {@code wte.weight}. */
  @Override
  public NDArray unembed() {
    return params.get(unembedName);
  }

  @Override
  public NDArray unembedBias() {
    return null;
  }

  /** {@code mlp.hook_post} and {@code attn.hook_z} through the block's {@code c_proj} weight ({@code [in, out]}). */
  @Override
  public NDArray toResidual(HookPoint hook, NDArray values) {
    config.checkIn(hook);
    Block block = blocks.get(hook.layer());
    return switch (hook.site()) {
      case MLP_POST -> values.matMul(((Mlp) block.mlp()).projWeight()); // [..., dModel]
      case ATTN_Z -> values.matMul(((Attention) block.attention()).projWeight()); // [..., dModel]
      default -> values;
    };
  }

  /** The parameter {@code name} (Hugging Face name without prefix). */
  public NDArray param(String name) {
    NDArray a = params.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no GPT-2 parameter named " + name);
    }
    return a;
  }

  /** All parameters by name, sorted; a trainer attaches gradients to these. */
  public Map<String, NDArray> params() {
    return params;
  }

  /**
   * Runs {@code tokens [batch, seq]} (any integer type) through the model. Every returned array is
   * attached to {@code tokens.getManager()}.
   */
  @Override
  String contextKey() {
    return "n_positions";
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
    return new AttentionInputs(causalMaskBias(m, seq, 0), null, null); // mask [seq, seq]
  }

  /**
   * The logits of final residual-stream vectors {@code [..., dModel]} (ln_f, then the unembedding),
   * attached to the input's manager.
   */
  @Override
  public NDArray logits(NDArray finalResid) {
    NDArray unembedT = params.get(unembedName).transpose(); // [dModel, vocab]
    unembedT.attach(finalResid.getManager());
    return lnF.apply(finalResid).matMul(unembedT); // [..., vocab]
  }

  /**
   * 0 where key position {@code j <= i} (query) and, when {@code window > 0}, {@code i - j < window}; negative
   * infinity elsewhere.
   */
  static NDArray causalMaskBias(NDManager m, int seq, int window) {
    float[] bias = new float[seq * seq];
    for (int i = 0; i < seq; i++) {
      for (int j = 0; j < seq; j++) {
        if (j > i || (window > 0 && i - j >= window)) {
          bias[i * seq + j] = Float.NEGATIVE_INFINITY;
        }
      }
    }
    return m.create(bias, new Shape(seq, seq)); // [seq, seq]
  }

  @Override
  public void close() {
    manager.close();
  }
}
