package org.featureatlas.train;

import org.featureatlas.dataset.TokenDataset;

/**
 * The loss of the best model that ignores context: the training set's token frequencies. Both
 * figures are in nats per predicted token, over the positions a language model predicts (every
 * position of a sequence but the first).
 *
 * @param trainEntropy entropy of the training tokens' empirical distribution
 * @param heldOutCrossEntropy cross-entropy of that distribution, add-one smoothed over the whole
 *     vocabulary, on the held-out tokens: the figure to compare a held-out loss with
 */
public record UnigramBaseline(double trainEntropy, double heldOutCrossEntropy) {

  public static UnigramBaseline of(TokenDataset train, TokenDataset heldOut, int vocabSize) {
    long[] counts = predictedCounts(train, vocabSize);
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    double entropy = 0;
    for (long c : counts) {
      if (c > 0) {
        double p = (double) c / n;
        entropy -= p * Math.log(p);
      }
    }
    long[] held = predictedCounts(heldOut, vocabSize);
    double denominator = n + (double) vocabSize;
    double sum = 0;
    long m = 0;
    for (int v = 0; v < vocabSize; v++) {
      if (held[v] > 0) {
        sum -= held[v] * Math.log((counts[v] + 1.0) / denominator);
        m += held[v];
      }
    }
    return new UnigramBaseline(entropy, sum / m);
  }

  private static long[] predictedCounts(TokenDataset data, int vocabSize) {
    long[] counts = new long[vocabSize];
    for (int s = 0; s < data.nSeq(); s++) {
      for (int t = 1; t < data.seqLen(); t++) {
        counts[data.token(s, t)]++;
      }
    }
    return counts;
  }
}
