package org.featureatlas.render;

import java.nio.file.Path;
import java.util.List;
import org.featureatlas.check.AtlasException;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Interval;

/**
 * The shape checks a page needs before it can be drawn: required lists present, each example's lists
 * parallel to its tokens, its position inside its window, and finite numbers. A failure names the data
 * directory, the feature and the problem.
 */
final class RecordCheck {
  private RecordCheck() {}

  static void check(FeatureRecord f, Path dataDir) {
    String where = "feature " + f.index();
    require(f.topExamples() != null && f.intervals() != null && f.logits() != null && f.neuronAlignment() != null
        && f.correlatedNeurons() != null, dataDir, where + " lacks a required field (top_examples, intervals, logits, "
        + "neuron_alignment or correlated_neurons)");
    require(Double.isFinite(f.density()) && Double.isFinite(f.maxAct()) && Double.isFinite(f.meanAct()), dataDir,
        where + " has a non-finite density, max_act or mean_act");
    require(f.logits().top() != null && f.logits().bottom() != null, dataDir, where + ": logits lack top or bottom");
    for (int k = 0; k < f.topExamples().size(); k++) {
      example(f.topExamples().get(k), dataDir, where + ", top example " + k);
    }
    for (int i = 0; i < f.intervals().size(); i++) {
      Interval v = f.intervals().get(i);
      require(v.examples() != null, dataDir, where + ", interval " + i + " has no examples list");
      for (int k = 0; k < v.examples().size(); k++) {
        example(v.examples().get(k), dataDir, where + ", interval " + i + " example " + k);
      }
    }
  }

  private static void example(Example e, Path dataDir, String where) {
    require(e.tokens() != null && e.acts() != null && e.lossEffect() != null && e.topLogprob() != null
        && e.bottomLogprob() != null, dataDir, where + " lacks tokens, acts, loss_effect, top_logprob or bottom_logprob");
    int n = e.tokens().size();
    for (List<?> l : List.of(e.acts(), e.lossEffect(), e.topLogprob(), e.bottomLogprob())) {
      require(l.size() == n, dataDir, where + " has " + n + " tokens but a list of " + l.size());
    }
    require(e.pos() >= e.start() && e.pos() < e.start() + n, dataDir,
        where + ": pos " + e.pos() + " is outside its window starting at " + e.start());
    for (Double a : e.acts()) {
      require(a != null && Double.isFinite(a), dataDir, where + " has a missing or non-finite activation");
    }
  }

  private static void require(boolean ok, Path dataDir, String message) {
    if (!ok) {
      throw new AtlasException(dataDir + ": " + message);
    }
  }
}
