package org.featureatlas.render.explain;

/**
 * One description of a feature as read: its text, and where Neuronpedia's export says so, the method that made
 * it ({@code typeName}, e.g. {@code oai_token-act-pair}) and the model that wrote it ({@code explanationModelName});
 * both null when absent (always in a CSV). Untrusted text: shown through {@link Explanations#shown}.
 */
public record Explanation(String description, String type, String model) {}
