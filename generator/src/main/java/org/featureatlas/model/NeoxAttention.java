package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * GPT-NeoX causal self-attention (transformers' {@code GPTNeoXAttention}): one fused projection
 * {@code query_key_value} whose output is viewed per head as {@code [nHead, 3 * dHead]} (q, k, v of head h are
 * adjacent), rotary embeddings on the first {@code rotaryDims} of each head's q and k (the rest passes through),
 * scores scaled by {@code 1 / sqrt(dHead)}, and the output projection {@code dense}.
 */
final class NeoxAttention implements SelfAttention {
  private final Linear qkv; // [dModel] -> [nHead * 3 * dHead]
  private final Linear dense; // [dModel] -> [dModel]
  private final int nHead;
  private final int dHead;
  private final int rotaryDims;

  NeoxAttention(Linear qkv, Linear dense, int nHead, int dHead, int rotaryDims) {
    this.qkv = qkv;
    this.dense = dense;
    this.nHead = nHead;
    this.dHead = dHead;
    this.rotaryDims = rotaryDims;
  }

  @Override
  public NDArray z(NDArray x, AttentionInputs inputs) {
    long batch = x.getShape().get(0);
    long seq = x.getShape().get(1);
    NDArray fused = qkv.apply(x).reshape(new Shape(batch, seq, nHead, 3L * dHead)).transpose(0, 2, 1, 3); // [batch, nHead, seq, 3 * dHead]
    NDArray q = fused.get(new NDIndex("..., :{}", dHead)); // [batch, nHead, seq, dHead]
    NDArray k = fused.get(new NDIndex("..., {}:{}", dHead, 2 * dHead)); // [batch, nHead, seq, dHead]
    NDArray v = fused.get(new NDIndex("..., {}:", 2 * dHead)); // [batch, nHead, seq, dHead]
    q = rotate(q, inputs); // [batch, nHead, seq, dHead]
    k = rotate(k, inputs); // [batch, nHead, seq, dHead]
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(Math.sqrt(dHead)).add(inputs.maskBias()); // [batch, nHead, seq, seq]
    NDArray z = scores.softmax(-1).matMul(v); // [batch, nHead, seq, dHead]
    return z.transpose(0, 2, 1, 3).reshape(new Shape(batch, seq, (long) nHead * dHead)); // [batch, seq, nHead * dHead]
  }

  @Override
  public NDArray out(NDArray z) {
    return dense.apply(z); // [batch, seq, dModel]
  }

  Linear outProjection() {
    return dense;
  }

  /** {@code x_rot cos + rotate_half(x_rot) sin} on the first rotaryDims, the rest unchanged. */
  private NDArray rotate(NDArray x, AttentionInputs in) {
    int half = rotaryDims / 2;
    NDArray rot = x.get(new NDIndex("..., :{}", rotaryDims)); // [batch, nHead, seq, rotaryDims]
    NDArray x1 = rot.get(new NDIndex("..., :{}", half)); // [batch, nHead, seq, rotaryDims / 2]
    NDArray x2 = rot.get(new NDIndex("..., {}:", half)); // [batch, nHead, seq, rotaryDims / 2]
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1); // [batch, nHead, seq, rotaryDims]
    NDArray out = rot.mul(in.cos()).add(rotated.mul(in.sin())); // [batch, nHead, seq, rotaryDims]
    if (rotaryDims == dHead) {
      return out;
    }
    NDArray pass = x.get(new NDIndex("..., {}:", rotaryDims)); // [batch, nHead, seq, dHead - rotaryDims]
    return NDArrays.concat(new NDList(out, pass), -1); // [batch, nHead, seq, dHead]
  }
}
