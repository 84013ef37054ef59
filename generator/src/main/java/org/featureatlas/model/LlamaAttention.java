package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Grouped-query causal self-attention with rotary embeddings (transformers' {@code LlamaAttention}): query head
 * h reads key/value head {@code h / (nHead / nKvHead)}; q and k are rotated by {@code x cos + rotate_half(x) sin},
 * {@code rotate_half([x1, x2]) = [-x2, x1]} over the two halves of each head. Gemma 2 adds its score scaling,
 * attention-logit soft-capping and sliding-window layers.
 */
final class LlamaAttention implements SelfAttention {
  private final Linear q; // [dModel] -> [nHead * dHead]
  private final Linear k; // [dModel] -> [nKvHead * dHead]
  private final Linear v; // [dModel] -> [nKvHead * dHead]
  private final Linear o; // [nHead * dHead] -> [dModel]
  private final int nHead;
  private final int nKvHead;
  private final int dHead;
  /** Multiplier of the scores (Gemma 2's {@code query_pre_attn_scalar^-1/2}); 0: divide by sqrt(dHead). */
  private final double scaling;
  /** Attention-logit soft cap {@code c tanh(s / c)} (Gemma 2); 0: none. */
  private final double softcap;
  /** Whether this layer uses {@link AttentionInputs#localMaskBias} (Gemma 2's sliding-window layers). */
  private final boolean local;

  LlamaAttention(Linear q, Linear k, Linear v, Linear o, int nHead, int nKvHead, int dHead) {
    this(q, k, v, o, nHead, nKvHead, dHead, 0, 0, false);
  }

  LlamaAttention(Linear q, Linear k, Linear v, Linear o, int nHead, int nKvHead, int dHead, double scaling,
      double softcap, boolean local) {
    this.scaling = scaling;
    this.softcap = softcap;
    this.local = local;
    this.q = q;
    this.k = k;
    this.v = v;
    this.o = o;
    this.nHead = nHead;
    this.nKvHead = nKvHead;
    this.dHead = dHead;
  }

  @Override
  public NDArray z(NDArray x, AttentionInputs inputs) {
    long batch = x.getShape().get(0);
    long seq = x.getShape().get(1);
    NDArray qh = heads(q.apply(x), nHead, batch, seq); // [batch, nHead, seq, dHead]
    NDArray kh = heads(k.apply(x), nKvHead, batch, seq); // [batch, nKvHead, seq, dHead]
    NDArray vh = heads(v.apply(x), nKvHead, batch, seq); // [batch, nKvHead, seq, dHead]
    qh = rotate(qh, inputs); // [batch, nHead, seq, dHead]
    kh = rotate(kh, inputs); // [batch, nKvHead, seq, dHead]
    kh = repeatKv(kh, batch, seq); // [batch, nHead, seq, dHead]
    vh = repeatKv(vh, batch, seq); // [batch, nHead, seq, dHead]
    NDArray raw = qh.matMul(kh.transpose(0, 1, 3, 2)); // [batch, nHead, seq, seq]
    raw = scaling > 0 ? raw.mul(scaling) : raw.div(Math.sqrt(dHead)); // [batch, nHead, seq, seq]
    if (softcap > 0) {
      raw = raw.div(softcap).tanh().mul(softcap); // [batch, nHead, seq, seq]
    }
    NDArray scores = raw.add(local ? inputs.localMaskBias() : inputs.maskBias()); // [batch, nHead, seq, seq]
    NDArray z = scores.softmax(-1).matMul(vh); // [batch, nHead, seq, dHead]
    return z.transpose(0, 2, 1, 3).reshape(new Shape(batch, seq, (long) nHead * dHead)); // [batch, seq, nHead * dHead]
  }

  @Override
  public NDArray out(NDArray z) {
    return o.apply(z); // [batch, seq, dModel]
  }

  Linear outProjection() {
    return o;
  }

  private NDArray heads(NDArray flat, int n, long batch, long seq) {
    return flat.reshape(new Shape(batch, seq, n, dHead)).transpose(0, 2, 1, 3); // [batch, n, seq, dHead]
  }

  private NDArray rotate(NDArray x, AttentionInputs in) {
    int half = dHead / 2;
    NDArray x1 = x.get(new NDIndex("..., :{}", half)); // [batch, n, seq, dHead / 2]
    NDArray x2 = x.get(new NDIndex("..., {}:", half)); // [batch, n, seq, dHead / 2]
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1); // [batch, n, seq, dHead]
    return x.mul(in.cos()).add(rotated.mul(in.sin())); // [batch, n, seq, dHead]
  }

  /** transformers' {@code repeat_kv}: each key/value head repeated for its group of query heads, in order. */
  private NDArray repeatKv(NDArray x, long batch, long seq) {
    int rep = nHead / nKvHead;
    if (rep == 1) {
      return x;
    }
    return x.expandDims(2).broadcast(new Shape(batch, nKvHead, rep, seq, dHead))
        .reshape(new Shape(batch, nHead, seq, dHead)); // [batch, nHead, seq, dHead]
  }
}
