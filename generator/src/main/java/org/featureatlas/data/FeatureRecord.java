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
    @JsonProperty(required = true) List<Interval> intervals) {

  @JsonIgnore
  public boolean isDead() {
    return density == 0.0;
  }
}
