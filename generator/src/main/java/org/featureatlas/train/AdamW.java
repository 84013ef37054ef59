package org.featureatlas.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), updating parameters in place from the
 * gradients DJL's autograd left on them, then zeroing those gradients. Weight decay applies only to
 * the parameters named in {@code decayed}.
 */
public final class AdamW {
  private final Map<String, NDArray> params;
  private final Set<String> decayed;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();
  private int step;

  /** Moment buffers live in {@code manager}; parameters must already require gradients. */
  public AdamW(Map<String, NDArray> params, Set<String> decayed, double beta1, double beta2, double epsilon,
      double weightDecay, NDManager manager) {
    this.params = params;
    this.decayed = Set.copyOf(decayed);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      m.put(e.getKey(), manager.zeros(e.getValue().getShape()));
      v.put(e.getKey(), manager.zeros(e.getValue().getShape()));
    }
  }

  /**
   * One update with learning rate {@code lr}. Call inside an {@link ai.djl.ndarray.NDScope} (and
   * outside the gradient collector) so the temporaries are freed.
   */
  public void step(double lr) {
    step++;
    double correction1 = 1 - Math.pow(beta1, step);
    double correction2 = 1 - Math.pow(beta2, step);
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray p = e.getValue();
      NDArray g = p.getGradient();
      NDArray mt = m.get(e.getKey()).muli(beta1).addi(g.mul(1 - beta1));
      NDArray vt = v.get(e.getKey()).muli(beta2).addi(g.square().muli(1 - beta2));
      NDArray denominator = vt.div(correction2).sqrt().addi(epsilon);
      NDArray update = mt.div(correction1).divi(denominator);
      if (weightDecay > 0 && decayed.contains(e.getKey())) {
        update.addi(p.mul(weightDecay));
      }
      p.subi(update.muli(lr));
      g.subi(g);
    }
  }

  public int steps() {
    return step;
  }
}
