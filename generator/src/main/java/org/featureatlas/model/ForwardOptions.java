package org.featureatlas.model;

import java.util.Set;
import java.util.TreeSet;

/**
 * What one forward pass returns.
 *
 * @param capture hook points whose values the result holds
 * @param stopAfter if not null, the pass ends as soon as this hook's value exists (no final
 *     residual, no logits)
 * @param logits whether to compute logits (needs the full pass)
 */
public record ForwardOptions(Set<HookPoint> capture, HookPoint stopAfter, boolean logits) {

  public ForwardOptions {
    capture = Set.copyOf(capture);
    if (stopAfter != null) {
      if (logits) {
        throw new IllegalArgumentException("logits need the full pass, but stopAfter is " + stopAfter);
      }
      for (HookPoint h : capture) {
        if (h.compareTo(stopAfter) > 0) {
          throw new IllegalArgumentException("hook " + h + " comes after stopAfter " + stopAfter);
        }
      }
    }
  }

  /** The whole pass with logits, capturing nothing. */
  public static ForwardOptions full() {
    return new ForwardOptions(Set.of(), null, true);
  }

  /** The whole pass with logits, capturing {@code hooks}. */
  public static ForwardOptions full(Set<HookPoint> hooks) {
    return new ForwardOptions(hooks, null, true);
  }

  /** Only up to {@code hook}, capturing just it. */
  public static ForwardOptions upTo(HookPoint hook) {
    return new ForwardOptions(Set.of(hook), hook, false);
  }

  /** The whole pass without logits (the final residual stream is still returned), capturing {@code hooks}. */
  public static ForwardOptions noLogits(Set<HookPoint> hooks) {
    return new ForwardOptions(hooks, null, false);
  }

  /** Captured hooks in model order. */
  public Set<HookPoint> captureInOrder() {
    return new TreeSet<>(capture);
  }
}
