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
  double sum(float[] p, int off) {
    double sum = 0;
    for (int v = 0; v < vocab; v++) sum += p[off + v];
    return sum;
  }

  @Override
  double scan(float[] u, float[] p, int off, float[] w, float k1, float negBeta, float shift) {
    double sum = 0;
    float max = Float.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      float x = d(u[off + v], w[v], k1, negBeta);
      offer(v, x);
      max = Math.max(max, x);
      sum += p[off + v] * exp(x - shift);
    }
    maxD = max;
    return sum;
  }

  @Override
  double sumOnly(float[] u, float[] p, int off, float[] w, float k1, float negBeta, float shift) {
    double sum = 0;
    for (int v = 0; v < vocab; v++) {
      sum += p[off + v] * exp(d(u[off + v], w[v], k1, negBeta) - shift);
    }
    return sum;
  }
}
