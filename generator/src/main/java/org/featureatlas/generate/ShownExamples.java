package org.featureatlas.generate;

import java.util.HashMap;
import java.util.Map;
import org.featureatlas.data.Example;

/**
 * The example windows that pass C built, by (feature, position): keyed by the pair itself, so any d_sae
 * and any number of positions fit.
 */
final class ShownExamples {
  private record Key(int feature, long pos) {}

  private final Map<Key, Example> byKey = new HashMap<>();

  void put(int feature, long pos, Example example) {
    byKey.put(new Key(feature, pos), example);
  }

  /** The example of (feature, pos); every shown position has one once pass C is done. */
  Example get(int feature, long pos) {
    Example e = byKey.get(new Key(feature, pos));
    if (e == null) throw new IllegalStateException("no example window for feature " + feature + " at position " + pos);
    return e;
  }

  int size() {
    return byKey.size();
  }
}
