package org.featureatlas.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.sae.SaeEncoder;
import org.featureatlas.sae.SaeWeights;

/**
 * Measures an SAE the way the atlas runs it: features from {@link SaeEncoder} (the atlas's
 * encoder), reconstruction {@code f W_dec + b_dec}.
 */
public final class SaeEvaluation {
  private static final int BATCH = 4096;

  private SaeEvaluation() {}

  public static SaeMetrics evaluate(SaeWeights sae, HookActivations acts, NDManager manager) {
    int dIn = acts.width();
    double total = acts.totalVariance() * acts.rows();
    long[] activeCount = new long[sae.config().dSae()];
    double squaredError = 0;
    long active = 0;
    try (NDManager m = manager.newSubManager(); SaeEncoder encoder = new SaeEncoder(sae, m)) {
      NDArray wDec = Gpt2Model.toNd(sae.wDec(), m); // [dSae, dIn]
      NDArray bDec = Gpt2Model.toNd(sae.bDec(), m); // [dIn]
      for (int from = 0; from < acts.rows(); from += BATCH) {
        int to = Math.min(acts.rows(), from + BATCH);
        int[] rows = new int[to - from];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = from + i;
        }
        try (NDScope scope = new NDScope(); NDManager step = m.newSubManager()) {
          scope.suppressNotUsedWarning();
          NDArray x = step.create(acts.gather(rows), new Shape(rows.length, dIn)); // [n, dIn]
          NDArray f = encoder.encode(x); // [n, dSae]
          NDArray isActive = f.gt(0f).toType(DataType.INT64, false); // [n, dSae]
          long[] perFeature = isActive.sum(new int[] {0}).toLongArray(); // [dSae]
          for (int i = 0; i < perFeature.length; i++) {
            activeCount[i] += perFeature[i];
            active += perFeature[i];
          }
          float[] rowErrors = f.matMul(wDec).add(bDec).sub(x).square().sum(new int[] {1}).toFloatArray(); // [n]
          for (float e : rowErrors) {
            squaredError += e;
          }
        }
      }
    }
    int dead = 0;
    for (long c : activeCount) {
      if (c == 0) {
        dead++;
      }
    }
    return new SaeMetrics(1 - squaredError / total, (double) active / acts.rows(), dead, acts.rows());
  }
}
