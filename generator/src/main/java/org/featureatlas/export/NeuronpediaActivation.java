package org.featureatlas.export;

import java.util.List;

/**
 * One line of {@code activations/batch-N.jsonl.gz}: a row of Neuronpedia's {@code Activation} table, with
 * the field names and types of neuronpedia-utils' {@code db_models/activation.py} ({@code Activation}).
 * {@code id} is the table's primary key, so it is made unique across sources:
 * {@code <modelId>.<sourceId>.<feature>.<k>} (ids hold no '.'), k counting the feature's activations from 0.
 * {@code binMin = -1} marks a top example, as SAEDashboard's exports do.
 */
public record NeuronpediaActivation(
    String id,
    String modelId,
    String layer,
    String index,
    String creatorId,
    List<String> tokens,
    List<Double> values,
    double maxValue,
    int maxValueTokenIndex,
    double minValue,
    List<Double> lossValues,
    double binMin,
    double binMax,
    double binContains,
    int qualifyingTokenIndex) {}
