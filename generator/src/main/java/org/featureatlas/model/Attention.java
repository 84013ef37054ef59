package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** Causal multi-head self-attention with a fused QKV projection. */
final class Attention implements SelfAttention {
  private final Conv1D qkv; // [dModel] -> [3 * dModel]
  private final Conv1D proj; // [dModel] -> [dModel]
  private final int nHead;

  Attention(Conv1D qkv, Conv1D proj, int nHead) {
    this.qkv = qkv;
    this.proj = proj;
    this.nHead = nHead;
  }

  /** {@code x [batch, seq, dModel]} (already normalised) to the merged heads {@code [batch, seq, dModel]}. */
  @Override
  public NDArray z(NDArray x, AttentionInputs inputs) {
    NDArray maskBias = inputs.maskBias(); // [seq, seq]
    long batch = x.getShape().get(0);
    long seq = x.getShape().get(1);
    long dModel = x.getShape().get(2);
    long dHead = dModel / nHead;
    NDList parts = qkv.apply(x).split(3, 2); // 3 x [batch, seq, dModel]
    Shape heads = new Shape(batch, seq, nHead, dHead);
    NDArray q = parts.get(0).reshape(heads).transpose(0, 2, 1, 3); // [batch, nHead, seq, dHead]
    NDArray k = parts.get(1).reshape(heads).transpose(0, 2, 3, 1); // [batch, nHead, dHead, seq]
    NDArray v = parts.get(2).reshape(heads).transpose(0, 2, 1, 3); // [batch, nHead, seq, dHead]
    NDArray scores = q.matMul(k).div(Math.sqrt(dHead)).add(maskBias); // [batch, nHead, seq, seq]
    NDArray weights = scores.softmax(-1); // [batch, nHead, seq, seq]
    NDArray z = weights.matMul(v); // [batch, nHead, seq, dHead]
    return z.transpose(0, 2, 1, 3).reshape(new Shape(batch, seq, dModel)); // [batch, seq, dModel]
  }

  @Override
  public NDArray out(NDArray z) {
    return proj.apply(z); // [batch, seq, dModel]
  }

  /** The output projection's weight {@code [dModel, dModel]} ({@code [in, out]}). */
  NDArray projWeight() {
    return proj.weight();
  }
}
