package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One example window. {@code start} is the sequence position of {@code tokens.get(0)}. Lists are
 * parallel to {@code tokens}. {@code lossEffect} entries are null only at sequence position 0;
 * {@code topLogprob}/{@code bottomLogprob} entries are empty where the activation is 0.
 */
public record Example(
    @JsonProperty(required = true) int seq,
    @JsonProperty(required = true) int pos,
    @JsonProperty(required = true) double act,
    @JsonProperty(required = true) int start,
    @JsonProperty(required = true) List<Integer> tokens,
    @JsonProperty(required = true) List<Double> acts,
    @JsonProperty(value = "loss_effect", required = true) List<Double> lossEffect,
    @JsonProperty(value = "top_logprob", required = true) List<List<TokenValue>> topLogprob,
    @JsonProperty(value = "bottom_logprob", required = true) List<List<TokenValue>> bottomLogprob) {}
