package org.featureatlas.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdamWTest {
  @Test
  void matchesAdamWWrittenOutInDoublePrecision() {
    float[] w0 = {0.5f, -1.0f, 2.0f};
    float[] b0 = {0.1f, -0.2f};
    double lr = 0.05;
    double beta1 = 0.9;
    double beta2 = 0.99;
    double eps = 1e-8;
    double wd = 0.1;
    double[] w = {0.5, -1.0, 2.0};
    double[] b = {0.1, -0.2};
    double[] mw = new double[3];
    double[] vw = new double[3];
    double[] mb = new double[2];
    double[] vb = new double[2];
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray pw = m.create(w0);
      NDArray pb = m.create(b0);
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("w", pw);
      params.put("b", pb);
      pw.setRequiresGradient(true);
      pb.setRequiresGradient(true);
      AdamW adam = new AdamW(params, Set.of("w"), beta1, beta2, eps, wd, m);
      for (int step = 1; step <= 3; step++) {
        // loss = sum(w^3) + sum(step * b): gradients 3 w^2 and step.
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
            NDArray loss = pw.pow(3).sum().add(pb.mul(step).sum());
            c.backward(loss);
          }
          adam.step(lr);
        }
        for (int i = 0; i < 3; i++) {
          double g = 3 * w[i] * w[i];
          mw[i] = beta1 * mw[i] + (1 - beta1) * g;
          vw[i] = beta2 * vw[i] + (1 - beta2) * g * g;
          double update = (mw[i] / (1 - Math.pow(beta1, step))) / (Math.sqrt(vw[i] / (1 - Math.pow(beta2, step))) + eps);
          w[i] -= lr * (update + wd * w[i]);
        }
        for (int i = 0; i < 2; i++) {
          double g = step;
          mb[i] = beta1 * mb[i] + (1 - beta1) * g;
          vb[i] = beta2 * vb[i] + (1 - beta2) * g * g;
          double update = (mb[i] / (1 - Math.pow(beta1, step))) / (Math.sqrt(vb[i] / (1 - Math.pow(beta2, step))) + eps);
          b[i] -= lr * update; // not in the decayed set
        }
        float[] gotW = pw.toFloatArray();
        float[] gotB = pb.toFloatArray();
        for (int i = 0; i < 3; i++) {
          assertEquals(w[i], gotW[i], 1e-5, "w[" + i + "] after step " + step);
        }
        for (int i = 0; i < 2; i++) {
          assertEquals(b[i], gotB[i], 1e-5, "b[" + i + "] after step " + step);
        }
        assertEquals(0f, pw.getGradient().abs().sum().getFloat(), "gradients are zeroed after the step");
      }
      assertEquals(3, adam.steps());
    }
  }
}
