package org.featureatlas.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.featureatlas.io.HostTensor;
import org.featureatlas.model.Gpt2Config;
import org.featureatlas.model.Gpt2Weights;

/**
 * GPT-2's initialisation: matrices and embeddings N(0, 0.02), the residual projections
 * ({@code attn.c_proj}, {@code mlp.c_proj}) N(0, 0.02 / sqrt(2 n_layer)), biases 0, LayerNorm
 * weight 1. Each tensor draws from its own {@link Random} seeded from {@code seed} and its name.
 */
public final class InitialWeights {
  private InitialWeights() {}

  public static Gpt2Weights gpt2(Gpt2Config config, long seed) {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    double residualStd = 0.02 / Math.sqrt(2.0 * config.nLayer());
    for (Map.Entry<String, long[]> e : Gpt2Weights.expectedShapes(config).entrySet()) {
      String name = e.getKey();
      float[] v = new float[Math.toIntExact(HostTensor.elementCount(e.getValue()))];
      if (name.contains("ln_")) {
        if (name.endsWith(".weight")) {
          Arrays.fill(v, 1f);
        }
      } else if (name.endsWith(".weight")) {
        double std = name.endsWith("c_proj.weight") ? residualStd : 0.02;
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + name.hashCode());
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (std * r.nextGaussian());
        }
      }
      tensors.put(name, HostTensor.of(v, e.getValue()));
    }
    return Gpt2Weights.of(config, tensors);
  }
}
