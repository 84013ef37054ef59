package org.featureatlas.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.model.ForwardOptions;
import org.featureatlas.model.Gpt2Model;

/**
 * Next-token cross-entropy, the one loss training minimises and evaluation reports: at every
 * position {@code t < T-1}, {@code -log softmax(logits[t])[token[t+1]]}, in nats.
 */
public final class NextTokenLoss {
  private NextTokenLoss() {}

  /** Per-position losses {@code [batch, seq-1]} of {@code logits [batch, seq, vocab]} for {@code tokens [batch, seq]}. */
  public static NDArray perPosition(NDArray logits, NDArray tokens) {
    NDArray predicting = logits.get(":, :-1, :"); // [batch, seq-1, vocab]
    NDArray next = tokens.get(":, 1:").toType(DataType.INT64, false).expandDims(2); // [batch, seq-1, 1]
    return predicting.logSoftmax(-1).gather(next, 2).squeeze(2).neg(); // [batch, seq-1]
  }

  /** The mean loss over every predicted position: a differentiable scalar. */
  public static NDArray mean(NDArray logits, NDArray tokens) {
    return perPosition(logits, tokens).mean();
  }

  /**
   * The mean loss of {@code model} over every predicted position of {@code data}, summed in double
   * precision, in batches of {@code batchSize} sequences taken in order.
   */
  public static double evaluate(Gpt2Model model, TokenDataset data, int batchSize, NDManager manager) {
    double sum = 0;
    long count = 0;
    for (int from = 0; from < data.nSeq(); from += batchSize) {
      int to = Math.min(data.nSeq(), from + batchSize);
      try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
        scope.suppressNotUsedWarning();
        NDArray tokens = step.create(data.rows(from, to), new Shape(to - from, data.seqLen())); // [b, T]
        NDArray logits = model.forward(tokens, ForwardOptions.full()).logits(); // [b, T, V]
        for (float v : perPosition(logits, tokens).toFloatArray()) {
          sum += v;
          count++;
        }
      }
    }
    return sum / count;
  }
}
