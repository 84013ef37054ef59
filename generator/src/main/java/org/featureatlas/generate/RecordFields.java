package org.featureatlas.generate;

import java.util.List;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureCosine;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Histogram;
import org.featureatlas.data.Interval;
import org.featureatlas.data.Logits;
import org.featureatlas.data.UnitScore;

/**
 * One feature's record while the {@link RecordPart}s fill it in. Each field is set exactly once;
 * {@link #build} refuses a record with a field missing, so a part that is not registered (or registered
 * twice) shows up at once rather than as a null in the data.
 */
final class RecordFields {
  final int index;
  private final ShownExamples shown;
  private Double density;
  private Double maxAct;
  private Double meanAct;
  private Histogram actHistogram;
  private Logits logits;
  private List<UnitScore> neuronAlignment;
  private List<UnitScore> correlatedNeurons;
  private boolean correlatedFeaturesBSet;
  private List<UnitScore> correlatedFeaturesB;
  private List<Example> topExamples;
  private List<Interval> intervals;
  private List<FeatureCosine> similarFeatures;
  private List<FeatureCosine> similarFeaturesB;

  RecordFields(int index, ShownExamples shown) {
    this.index = index;
    this.shown = shown;
  }

  /** The example window pass C built for this feature at dataset position {@code pos}. */
  Example shown(long pos) {
    return shown.get(index, pos);
  }

  void activation(double density, double maxAct, double meanAct) {
    this.density = once(this.density, density, "density");
    this.maxAct = maxAct;
    this.meanAct = meanAct;
  }

  void actHistogram(Histogram h) {
    actHistogram = once(actHistogram, h, "act_histogram");
  }

  void logits(Logits l) {
    logits = once(logits, l, "logits");
  }

  void neuronAlignment(List<UnitScore> l) {
    neuronAlignment = once(neuronAlignment, l, "neuron_alignment");
  }

  void correlatedNeurons(List<UnitScore> l) {
    correlatedNeurons = once(correlatedNeurons, l, "correlated_neurons");
  }

  /** Null without a second SAE. */
  void correlatedFeaturesB(List<UnitScore> l) {
    if (correlatedFeaturesBSet) throw new IllegalStateException("correlated_features_b of feature " + index + " is set twice");
    correlatedFeaturesBSet = true;
    correlatedFeaturesB = l;
  }

  void topExamples(List<Example> l) {
    topExamples = once(topExamples, l, "top_examples");
  }

  void intervals(List<Interval> l) {
    intervals = once(intervals, l, "intervals");
  }

  /** {@code b} is null without a second SAE. */
  void similar(List<FeatureCosine> same, List<FeatureCosine> b) {
    similarFeatures = once(similarFeatures, same, "similar_features");
    similarFeaturesB = b;
  }

  /** The similar-features tables as set (for tests). */
  List<FeatureCosine> similarSame() {
    return similarFeatures;
  }

  List<FeatureCosine> similarB() {
    return similarFeaturesB;
  }

  FeatureRecord build() {
    if (density == null || actHistogram == null || logits == null || neuronAlignment == null || correlatedNeurons == null
        || !correlatedFeaturesBSet || topExamples == null || intervals == null || similarFeatures == null) {
      throw new IllegalStateException("the record of feature " + index + " is missing a field (a record part is not registered)");
    }
    return new FeatureRecord(index, density, maxAct, meanAct, actHistogram, logits, neuronAlignment, correlatedNeurons,
        correlatedFeaturesB, topExamples, intervals, similarFeatures, similarFeaturesB);
  }

  private <T> T once(T old, T value, String field) {
    if (old != null) throw new IllegalStateException(field + " of feature " + index + " is set twice");
    if (value == null) throw new IllegalArgumentException(field + " of feature " + index + " is null");
    return value;
  }
}
