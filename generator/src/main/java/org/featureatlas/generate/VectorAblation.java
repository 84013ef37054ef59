package org.featureatlas.generate;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Ablation} on the Vector API: one pass over the vocabulary forms the logit changes, tests them
 * against the top-k thresholds (a lane that beats one drops to the scalar insert), and accumulates
 * {@code e^(m + d - shift)} in float lanes that are added into a double every {@value #BLOCK} vectors.
 * The exponential is {@link Ablation#exp}'s, lane by lane.
 */
final class VectorAblation extends Ablation {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int BLOCK = 16;
  private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
  private static final FloatVector NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
  private static final FloatVector V_C5 = FloatVector.broadcast(S, C5);
  private static final FloatVector V_C4 = FloatVector.broadcast(S, C4);
  private static final FloatVector V_C3 = FloatVector.broadcast(S, C3);
  private static final FloatVector V_C2 = FloatVector.broadcast(S, C2);
  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
  private final float[] lanes = new float[S.length()];

  VectorAblation(int vocab, int k) {
    super(vocab, k);
  }

  @Override
  float shiftRow(float[] logits, int off, float[] b) {
    int upper = S.loopBound(vocab);
    FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int v = 0;
    for (; v < upper; v += S.length()) mv = mv.max(FloatVector.fromArray(S, logits, off + v));
    float max = mv.reduceLanes(VectorOperators.MAX);
    for (; v < vocab; v++) max = Math.max(max, logits[off + v]);
    FloatVector bv = FloatVector.zero(S);
    for (v = 0; v < upper; v += S.length()) {
      FloatVector m = FloatVector.fromArray(S, logits, off + v).sub(max);
      m.intoArray(logits, off + v);
      bv = bv.max(m.sub(FloatVector.fromArray(S, b, v)).abs());
    }
    float bound = bv.reduceLanes(VectorOperators.MAX);
    for (; v < vocab; v++) {
      logits[off + v] -= max;
      bound = Math.max(bound, Math.abs(logits[off + v] - b[v]));
    }
    return bound;
  }

  @Override
  double scan(float[] m, int off, float[] b, float[] w, float k1, float negBeta, float shift, boolean offer) {
    int len = S.length();
    int upper = S.loopBound(vocab);
    FloatVector k1v = FloatVector.broadcast(S, k1);
    FloatVector acc = FloatVector.zero(S);
    FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    double sum = 0;
    int inBlock = 0;
    float low = offer ? lowThreshold() : Float.NEGATIVE_INFINITY;
    float high = offer ? highThreshold() : Float.POSITIVE_INFINITY;
    int v = 0;
    for (; v < upper; v += len) {
      FloatVector mv = FloatVector.fromArray(S, m, off + v);
      FloatVector d = mv.sub(FloatVector.fromArray(S, b, v)).fma(k1v, FloatVector.fromArray(S, w, v).mul(negBeta));
      VectorMask<Float> hit = d.compare(VectorOperators.LT, low).or(d.compare(VectorOperators.GT, high));
      if (hit.anyTrue()) {
        d.intoArray(lanes, 0);
        for (int j = 0; j < len; j++) offer(v + j, lanes[j]);
        low = lowThreshold();
        high = highThreshold();
      }
      FloatVector e = mv.add(d).sub(shift);
      max = max.max(e);
      acc = acc.add(exp(e));
      if (++inBlock == BLOCK) {
        sum += acc.reduceLanes(VectorOperators.ADD);
        acc = FloatVector.zero(S);
        inBlock = 0;
      }
    }
    sum += acc.reduceLanes(VectorOperators.ADD);
    float mx = max.reduceLanes(VectorOperators.MAX);
    for (; v < vocab; v++) {
      float x = d(m[off + v], b[v], w[v], k1, negBeta);
      if (offer) offer(v, x);
      float e = m[off + v] + x - shift;
      mx = Math.max(mx, e);
      sum += exp(e);
    }
    maxExponent = mx;
    return sum;
  }

  /** {@link Ablation#exp} on every lane. */
  static FloatVector exp(FloatVector x) {
    x = x.max(EXP_MIN).min(88f);
    FloatVector t = x.mul(LOG2E).add(ROUND); // its low mantissa bits hold round(x log2 e)
    FloatVector n = t.sub(ROUND);
    FloatVector r = n.fma(NEG_LN2_HI, x);
    r = n.fma(NEG_LN2_LO, r);
    FloatVector q = r.fma(C7, C6);
    q = q.fma(r, V_C5);
    q = q.fma(r, V_C4);
    q = q.fma(r, V_C3);
    q = q.fma(r, V_C2);
    q = q.fma(r, ONE);
    q = q.fma(r, ONE);
    // 2^n from t's bits (0x4B400000 + n), not a float-to-int conversion, which JDK 17 does not vectorise.
    IntVector bits = ((IntVector) t.reinterpretAsInts()).add(127 - 0x4B400000).lanewise(VectorOperators.LSHL, 23);
    return q.mul(bits.reinterpretAsFloats());
  }
}
