package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * What a forward pass produced; every array is attached to the manager of the tokens passed in.
 *
 * @param hooks captured hook values: {@code [batch, seq, width]}
 * @param finalResid the last block's resid_post {@code [batch, seq, d_model]} before ln_f; null when
 *     the pass stopped early
 * @param logits {@code [batch, seq, vocab]}; null unless requested
 */
public record ForwardResult(Map<HookPoint, NDArray> hooks, NDArray finalResid, NDArray logits) {

  /** The captured value of {@code hook}. */
  public NDArray hook(HookPoint hook) {
    NDArray a = hooks.get(hook);
    if (a == null) {
      throw new IllegalArgumentException("hook " + hook + " was not captured");
    }
    return a;
  }
}
