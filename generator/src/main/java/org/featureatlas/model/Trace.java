package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import java.util.TreeMap;

/** Collects hook values during one forward pass and says when to stop. */
final class Trace {
  private final ForwardOptions options;
  private final Map<HookPoint, NDArray> values = new TreeMap<>();
  private boolean stopped;

  Trace(ForwardOptions options) {
    this.options = options;
  }

  /** Records {@code value} at {@code layer.site} if asked; returns true when the pass must stop here. */
  boolean record(int layer, HookSite site, NDArray value) {
    HookPoint point = new HookPoint(layer, site);
    if (options.capture().contains(point)) {
      values.put(point, value);
      NDScope.unregister(value); // the caller owns it: it outlives the block's scope
    }
    if (point.equals(options.stopAfter())) {
      stopped = true;
    }
    return stopped;
  }

  /** Whether {@code value} is one of the captured arrays. */
  boolean holds(NDArray value) {
    return values.values().stream().anyMatch(v -> v == value);
  }

  boolean stopped() {
    return stopped;
  }

  Map<HookPoint, NDArray> values() {
    return values;
  }
}
