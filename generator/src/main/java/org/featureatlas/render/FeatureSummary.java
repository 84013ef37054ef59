package org.featureatlas.render;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.TokenValue;

/**
 * What the index and search need of a feature, kept for every feature while pages stream past.
 * {@code actTokens}: the distinct tokens where the feature is active (act &gt; 0) in its top examples,
 * by their largest activation there (descending), ties by token id, at most {@value #MAX_TOKENS}.
 * {@code topLogits}: the top-logit token ids in their stored order. {@code explanations}: the shown text of the
 * feature's explanations in their order ({@link org.featureatlas.render.explain.Explanations#shown}), often none.
 */
record FeatureSummary(int index, double density, double maxAct, int[] actTokens, int[] topLogits,
    List<String> explanations) {
  static final int MAX_TOKENS = 24;

  boolean dead() {
    return density == 0.0;
  }

  static FeatureSummary of(FeatureRecord f) {
    return of(f, List.of());
  }

  static FeatureSummary of(FeatureRecord f, List<String> explanations) {
    Map<Integer, Double> best = new LinkedHashMap<>();
    if (f.topExamples() != null) {
      for (Example e : f.topExamples()) {
        for (int q = 0; q < e.tokens().size(); q++) {
          double a = e.acts().get(q);
          if (a > 0) {
            best.merge(e.tokens().get(q), a, Math::max);
          }
        }
      }
    }
    List<Map.Entry<Integer, Double>> entries = new ArrayList<>(best.entrySet());
    entries.sort(Comparator.<Map.Entry<Integer, Double>>comparingDouble(Map.Entry::getValue).reversed()
        .thenComparing(Map.Entry::getKey));
    int[] act = entries.stream().limit(MAX_TOKENS).mapToInt(Map.Entry::getKey).toArray();
    List<TokenValue> top = f.logits() == null ? List.of() : f.logits().top();
    int[] logits = top.stream().mapToInt(TokenValue::token).toArray();
    return new FeatureSummary(f.index(), f.density(), f.maxAct(), act, logits, List.copyOf(explanations));
  }
}
