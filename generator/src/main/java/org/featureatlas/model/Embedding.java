package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Token plus learned position embeddings: {@code wte[token] + wpe[position]} ({@code wte[token]} alone without wpe). */
final class Embedding {
  private final NDArray wte; // [vocab, dModel]
  private final NDArray wpe; // [nPositions, dModel], or null

  Embedding(NDArray wte, NDArray wpe) {
    this.wte = wte;
    this.wpe = wpe;
  }

  /** {@code tokens [batch, seq]} to the residual stream {@code [batch, seq, dModel]}. */
  NDArray apply(NDArray tokens) {
    NDManager m = tokens.getManager();
    long batch = tokens.getShape().get(0);
    long seq = tokens.getShape().get(1);
    long dModel = wte.getShape().get(1);
    NDArray ids = tokens.toType(DataType.INT64, false).reshape(batch * seq); // [batch * seq]
    NDArray tok = wte.get(new NDIndex("{}", ids)); // [batch * seq, dModel]
    tok.attach(m);
    if (wpe == null) {
      return tok.reshape(new Shape(batch, seq, dModel)); // [batch, seq, dModel]
    }
    NDArray pos = wpe.get(new NDIndex("0:{}", seq)); // [seq, dModel]
    pos.attach(m);
    return tok.reshape(new Shape(batch, seq, dModel)).add(pos); // [batch, seq, dModel]
  }
}
