package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One line of {@code features/*.jsonl.gz}. See docs/data-format.md and feature-math.md. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureRecord(
    int index,
    double density,
    @JsonProperty("max_act") double maxAct,
    @JsonProperty("mean_act") double meanAct,
    @JsonProperty("act_histogram") Histogram actHistogram,
    Logits logits,
    @JsonProperty("neuron_alignment") List<UnitScore> neuronAlignment,
    @JsonProperty("correlated_neurons") List<UnitScore> correlatedNeurons,
    /** Null when no second SAE was given. */
    @JsonProperty("correlated_features_b") List<UnitScore> correlatedFeaturesB,
    @JsonProperty("top_examples") List<Example> topExamples,
    List<Interval> intervals) {

  @JsonIgnore
  public boolean isDead() {
    return density == 0.0;
  }
}
