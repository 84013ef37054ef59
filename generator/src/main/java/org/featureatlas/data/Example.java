package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One example window. {@code start} is the sequence position of {@code tokens.get(0)}. Lists are
 * parallel to {@code tokens}. {@code lossEffect} entries are null only at sequence position 0;
 * {@code topLogprob}/{@code bottomLogprob} entries are empty where the activation is 0.
 */
public record Example(
    int seq,
    int pos,
    double act,
    int start,
    List<Integer> tokens,
    List<Double> acts,
    @JsonProperty("loss_effect") List<Double> lossEffect,
    @JsonProperty("top_logprob") List<List<TokenValue>> topLogprob,
    @JsonProperty("bottom_logprob") List<List<TokenValue>> bottomLogprob) {}
