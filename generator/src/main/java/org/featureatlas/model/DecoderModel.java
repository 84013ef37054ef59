package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.List;
import org.featureatlas.check.AtlasException;

/**
 * The forward pass every family shares: check the tokens and the hooks, embed, run the blocks with the
 * hooks of the call ({@link Trace}), stop early when asked, and the logits. A family supplies its
 * embedding, its attention inputs (masks, rotary tables) and its blocks.
 */
abstract class DecoderModel implements LanguageModel {

  /** The config key that sets the context, for the error on a too-long sequence. */
  abstract String contextKey();

  /** The blocks in order. */
  abstract List<Block> blocks();

  /** The residual stream entering block 0: {@code [batch, seq, dModel]}. */
  abstract NDArray embed(NDArray tokens);

  /** What every block's attention reads for sequences of {@code seq} tokens. */
  abstract AttentionInputs attentionInputs(NDManager m, int seq);

  @Override
  public final ForwardResult forward(NDArray tokens, ForwardOptions options) {
    Shape shape = tokens.getShape();
    if (shape.dimension() != 2) {
      throw new IllegalArgumentException("tokens must be [batch, seq], got " + shape);
    }
    long seq = shape.get(1);
    int context = config().context();
    if (seq > context || seq < 1) {
      throw new AtlasException("sequence length " + seq + " is outside 1.." + context + " (the model's " + contextKey() + ")");
    }
    for (HookPoint h : options.capture()) {
      config().checkIn(h);
    }
    if (options.stopAfter() != null) {
      config().checkIn(options.stopAfter());
    }
    Trace trace = new Trace(options);
    // Temporaries of the pass are closed on return; results are unregistered from the scope.
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      AttentionInputs inputs = attentionInputs(tokens.getManager(), (int) seq);
      NDArray x = embed(tokens); // [batch, seq, dModel]
      for (Block block : blocks()) {
        x = block.apply(x, inputs, trace); // [batch, seq, dModel]
        if (trace.stopped()) {
          return new ForwardResult(Collections.unmodifiableMap(trace.values()), null, null);
        }
      }
      NDScope.unregister(x);
      NDArray logits = null;
      if (options.logits()) {
        logits = logits(x); // [batch, seq, vocab]
        NDScope.unregister(logits);
      }
      return new ForwardResult(Collections.unmodifiableMap(trace.values()), x, logits);
    }
  }
}
