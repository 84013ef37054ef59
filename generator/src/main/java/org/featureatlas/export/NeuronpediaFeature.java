package org.featureatlas.export;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One line of {@code features/batch-N.jsonl.gz}: a row of Neuronpedia's {@code Neuron} table, with the
 * field names and types of neuronpedia-utils' {@code db_models/feature.py} ({@code Feature}). Every line
 * has every field (Neuronpedia's importer takes the columns from the first line of a file); fields this
 * export cannot fill hold the dataclass's default. {@code createdAt} is left to the database.
 */
public record NeuronpediaFeature(
    String modelId,
    String layer,
    String index,
    String creatorId,
    String sourceSetName,
    double maxActApprox,
    boolean hasVector,
    List<Double> vector,
    List<Integer> topkCosSimIndices,
    List<Double> topkCosSimValues,
    @JsonProperty("neuron_alignment_indices") List<Integer> neuronAlignmentIndices,
    @JsonProperty("neuron_alignment_values") List<Double> neuronAlignmentValues,
    @JsonProperty("neuron_alignment_l1") List<Double> neuronAlignmentL1,
    @JsonProperty("correlated_neurons_indices") List<Integer> correlatedNeuronsIndices,
    @JsonProperty("correlated_neurons_pearson") List<Double> correlatedNeuronsPearson,
    @JsonProperty("correlated_neurons_l1") List<Double> correlatedNeuronsL1,
    @JsonProperty("correlated_features_indices") List<Integer> correlatedFeaturesIndices,
    @JsonProperty("correlated_features_pearson") List<Double> correlatedFeaturesPearson,
    @JsonProperty("correlated_features_l1") List<Double> correlatedFeaturesL1,
    @JsonProperty("neg_str") List<String> negStr,
    @JsonProperty("neg_values") List<Double> negValues,
    @JsonProperty("pos_str") List<String> posStr,
    @JsonProperty("pos_values") List<Double> posValues,
    @JsonProperty("frac_nonzero") double fracNonzero,
    @JsonProperty("freq_hist_data_bar_heights") List<Double> freqHistDataBarHeights,
    @JsonProperty("freq_hist_data_bar_values") List<Double> freqHistDataBarValues,
    @JsonProperty("logits_hist_data_bar_heights") List<Double> logitsHistDataBarHeights,
    @JsonProperty("logits_hist_data_bar_values") List<Double> logitsHistDataBarValues,
    @JsonProperty("decoder_weights_dist") List<Double> decoderWeightsDist) {}
