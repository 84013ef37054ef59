package org.featureatlas.train;

import java.util.List;

/**
 * What {@code atlas train-model} records in {@code training.json} beside the model.
 *
 * @param heldOutLoss mean next-token loss (nats) of the saved F16 model on the held-out sequences
 * @param heldOutLossFloat32 the same for the float32 weights before saving
 * @param unigram the context-free baseline to compare with
 */
public record ModelReport(
    String corpus, int trainAddresses, int heldOutAddresses, String heldOutRule,
    String tokenizer, int vocabSize, long gpt2TrainTokens,
    int trainSequences, int heldOutSequences, int sequenceLength,
    int nLayer, int dModel, int nHead, int dMlp, long parameters,
    int steps, int batchSize, double learningRate, int warmupSteps, double minLrFraction, double weightDecay,
    long seed, int threads, long tokensSeen, double epochs, double trainSeconds,
    UnigramBaseline unigram, double heldOutLossFloat32, double heldOutLoss,
    List<TrainingPoint> curve) {}
