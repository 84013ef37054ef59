package org.featureatlas.generate;

/**
 * {@link Ablation} in plain Java, for JVMs without the Vector API: the same float logit changes and
 * exponentials as {@link VectorAblation}, summed one by one in double.
 */
final class ScalarAblation extends Ablation {

  ScalarAblation(int vocab, int k) {
    super(vocab, k);
  }

  @Override
  float shiftRow(float[] logits, int off, float[] b) {
    float max = Float.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) max = Math.max(max, logits[off + v]);
    float bound = 0f;
    for (int v = 0; v < vocab; v++) {
      logits[off + v] -= max;
      bound = Math.max(bound, Math.abs(logits[off + v] - b[v]));
    }
    return bound;
  }

  @Override
  double scan(float[] m, int off, float[] b, float[] w, float k1, float negBeta, float shift, boolean offer) {
    double sum = 0;
    float max = Float.NEGATIVE_INFINITY;
    // Only a change beyond a threshold can enter a list (tokens come in ascending order, so ties never do).
    float low = offer ? lowThreshold() : Float.NEGATIVE_INFINITY;
    float high = offer ? highThreshold() : Float.POSITIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      float x = d(m[off + v], b[v], w[v], k1, negBeta);
      if (x < low || x > high) {
        offer(v, x);
        low = lowThreshold();
        high = highThreshold();
      }
      float e = m[off + v] + x - shift;
      max = Math.max(max, e);
      sum += exp(e);
    }
    maxExponent = max;
    return sum;
  }
}
