package org.featureatlas.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import org.featureatlas.model.Gpt2Model;

/**
 * The SAE encoder in DJL: {@code pre = (x - b_dec * [apply_b_dec_to_input]) @ W_enc + b_enc}, then
 * ReLU (standard), {@code pre * [pre > threshold]} (JumpReLU) or ReLU of the k largest per row
 * (TopK; ties broken as {@code torch.topk} breaks them).
 */
public final class SaeEncoder implements AutoCloseable {
  private final SaeConfig config;
  private final NDManager manager;
  private final NDArray wEnc; // [dIn, dSae]
  private final NDArray bEnc; // [dSae]
  private final NDArray bDec; // [dIn]
  private final NDArray threshold; // [dSae] or null

  /** Copies the encoder weights into a sub-manager of {@code manager}. */
  public SaeEncoder(SaeWeights weights, NDManager manager) {
    this.config = weights.config();
    this.manager = manager.newSubManager();
    this.wEnc = Gpt2Model.toNd(weights.wEnc(), this.manager);
    this.bEnc = Gpt2Model.toNd(weights.bEnc(), this.manager);
    this.bDec = Gpt2Model.toNd(weights.bDec(), this.manager);
    this.threshold = weights.threshold() == null ? null : Gpt2Model.toNd(weights.threshold(), this.manager);
  }

  public SaeConfig config() {
    return config;
  }

  /** The pre-activations {@code [n, dSae]} of {@code x [n, dIn]}, in x's manager. */
  public NDArray preActivation(NDArray x) {
    if (x.getShape().dimension() != 2 || x.getShape().get(1) != config.dIn()) {
      throw new IllegalArgumentException("SAE input must be [n, " + config.dIn() + "], got " + x.getShape());
    }
    NDArray input = config.applyBDecToInput() ? x.sub(bDec) : x; // [n, dIn]
    return input.matMul(wEnc).add(bEnc); // [n, dSae]
  }

  /**
   * Feature activations {@code f [n, dSae]} (float32) of {@code x [n, dIn]}, in x's manager;
   * temporaries are closed on return.
   */
  public NDArray encode(NDArray x) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray f = activate(preActivation(x)); // [n, dSae]
      NDScope.unregister(f);
      return f;
    }
  }

  private NDArray activate(NDArray pre) {
    return switch (config.architecture()) {
      case STANDARD -> pre.maximum(0f); // [n, dSae]
      case JUMPRELU -> pre.mul(pre.gt(threshold).toType(DataType.FLOAT32, false)); // [n, dSae]
      case TOPK -> {
        NDList top = pre.topK(config.k(), -1, true, false); // values [n, k], indices [n, k]
        NDArray kept = top.get(0).maximum(0f); // [n, k]
        yield pre.zerosLike().scatter(top.get(1), kept, -1); // [n, dSae]
      }
    };
  }

  @Override
  public void close() {
    manager.close();
  }
}
