package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One line of {@code features/*.jsonl.gz}. See docs/data-format.md and feature-math.md. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureRecord(
    @JsonProperty(required = true) int index,
    @JsonProperty(required = true) double density,
    @JsonProperty(value = "max_act", required = true) double maxAct,
    @JsonProperty(value = "mean_act", required = true) double meanAct,
    @JsonProperty(value = "act_histogram", required = true) Histogram actHistogram,
    @JsonProperty(required = true) Logits logits,
    @JsonProperty(value = "neuron_alignment", required = true) List<UnitScore> neuronAlignment,
    @JsonProperty(value = "correlated_neurons", required = true) List<UnitScore> correlatedNeurons,
    /** Null when no second SAE was given. */
    @JsonProperty("correlated_features_b") List<UnitScore> correlatedFeaturesB,
    @JsonProperty(value = "top_examples", required = true) List<Example> topExamples,
    @JsonProperty(required = true) List<Interval> intervals,
    /** The most similar features of the same SAE by decoder cosine; null only in format-1 data. */
    @JsonProperty("similar_features") List<FeatureCosine> similarFeatures,
    /** The most similar features of encoder B by decoder cosine; null without a second SAE (or in format 1). */
    @JsonProperty("similar_features_b") List<FeatureCosine> similarFeaturesB) {

  /** A record without similar-features tables (format 1, and tests that need none). */
  public FeatureRecord(int index, double density, double maxAct, double meanAct, Histogram actHistogram, Logits logits,
      List<UnitScore> neuronAlignment, List<UnitScore> correlatedNeurons, List<UnitScore> correlatedFeaturesB,
      List<Example> topExamples, List<Interval> intervals) {
    this(index, density, maxAct, meanAct, actHistogram, logits, neuronAlignment, correlatedNeurons, correlatedFeaturesB,
        topExamples, intervals, null, null);
  }

  /** This record with the similar-features tables {@code same} and {@code b}. */
  public FeatureRecord withSimilar(List<FeatureCosine> same, List<FeatureCosine> b) {
    return new FeatureRecord(index, density, maxAct, meanAct, actHistogram, logits, neuronAlignment, correlatedNeurons,
        correlatedFeaturesB, topExamples, intervals, same, b);
  }

  @JsonIgnore
  public boolean isDead() {
    return density == 0.0;
  }
}
