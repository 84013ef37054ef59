package org.featureatlas.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.featureatlas.model.HookPoint;
import org.featureatlas.model.LanguageModel;
import org.featureatlas.model.PostNorm;

/**
 * Pass C's direct path through a post-norm (feature-math.md section 6), for a hook whose block writes
 * {@code postnorm(m) = m g / rms(m)} into the residual stream, {@code m = x W_down + bias} the projection of the hook
 * value x, {@code rms(m) = sqrt(mean(m^2) + eps)}, {@code g} the norm's multiplier (Gemma 2's {@code mlp.hook_post}
 * and {@code attn.hook_z}). Ablating {@code f} of feature i at a position changes m by {@code -f u0} ({@code u0 =
 * W_dec[i] W_down}, {@link LogitEffects#uBeforeNorm}), and the norm is recomputed on the changed vector, so the
 * write changes by
 * <pre>
 *   postnorm(m) - postnorm(m - f u0) = a w + (f / rms') u      w = postnorm(m) (the write), u = u0 g,
 *                                                              rms' = rms(m - f u0), a = 1 - rms / rms'
 * </pre>
 * which is subtracted from the final residual stream. With the final norm's scales {@code sigma} and {@code sigma'}
 * of the row before and after (of the centred vectors for a LayerNorm), the raw logits change as
 * {@code raw' = raw + k1 (raw - b) - beta ~v - gamma omega}, with {@code k1 = sigma/sigma' - 1},
 * {@code beta = f / (rms' sigma')}, {@code gamma = a / sigma'}, {@code ~v = ~u W_U} the feature's direction as for
 * every hook, and {@code omega = ~w W_U} the logits of the row's own write (one vector per row, not per feature).
 * {@link DoubleAblation} evaluates it. {@code a} is formed as {@code (rms'^2 - rms^2) / (rms' (rms' + rms))}, with
 * {@code rms'^2 - rms^2 = (f^2 |u0|^2 - 2 f m.u0) / d_model}, without a difference of nearly equal numbers.
 *
 * <p>m is recomputed for the ablated rows from the hook values pass A cached, by the model's own projection.
 */
final class PostNormPath {
  private final LanguageModel model;
  private final HookPoint hook;
  private final PostNorm norm;
  private final float[] scale; // [dModel] g
  private final float[] uBeforeNorm; // [dSae * dModel] u0
  private final boolean centres;
  private final int dModel;

  private PostNormPath(LanguageModel model, HookPoint hook, PostNorm norm, LogitEffects effects) {
    this.model = model;
    this.hook = hook;
    this.norm = norm;
    this.scale = norm.scale().toFloatArray();
    this.uBeforeNorm = effects.uBeforeNorm;
    this.centres = effects.centres;
    this.dModel = effects.dModel;
    if (uBeforeNorm == null) throw new IllegalStateException("logit effects kept no directions before the post-norm");
  }

  /** The path for {@code hook}, or null when the block's write is linear in the hook value. */
  static PostNormPath of(LanguageModel model, HookPoint hook, LogitEffects effects) {
    PostNorm norm = model.postNorm(hook);
    return norm == null ? null : new PostNormPath(model, hook, norm, effects);
  }

  /**
   * What the ablations of some rows need of each row.
   *
   * @param m the norm's input {@code [n * dModel]}
   * @param rms {@code rms(m)} per row
   * @param write the write {@code postnorm(m)}, centred over d_model when the final norm centres {@code [n * dModel]}
   */
  record Rows(double[] m, double[] rms, float[] write) {}

  /** The coefficients of one ablation (see the class comment). */
  record Change(double k1, double beta, double gamma) {}

  /**
   * m, rms(m) and the write of the rows {@code rows} of a batch, from the batch's cached hook values {@code x
   * [batchRows * dIn]}: one product on the device, the rest in double.
   */
  Rows rows(float[] x, int dIn, int[] rows, NDManager parent) {
    int n = rows.length;
    float[] gathered = new float[n * dIn];
    for (int r = 0; r < n; r++) System.arraycopy(x, rows[r] * dIn, gathered, r * dIn, dIn);
    float[] projected;
    try (NDManager mgr = parent.newSubManager()) {
      NDArray m = model.toResidual(hook, mgr.create(gathered, new Shape(n, dIn))); // [n, dModel]
      if (norm.bias() != null) m = m.add(norm.bias()); // [n, dModel]
      projected = m.toFloatArray();
    }
    double[] mOut = new double[n * dModel];
    double[] rms = new double[n];
    float[] write = new float[n * dModel];
    for (int r = 0; r < n; r++) {
      int o = r * dModel;
      double ss = 0;
      for (int j = 0; j < dModel; j++) {
        mOut[o + j] = projected[o + j];
        ss += mOut[o + j] * mOut[o + j];
      }
      rms[r] = Math.sqrt(ss / dModel + norm.eps());
      double mean = 0;
      double[] w = new double[dModel];
      for (int j = 0; j < dModel; j++) {
        w[j] = mOut[o + j] * scale[j] / rms[r];
        mean += w[j];
      }
      mean = centres ? mean / dModel : 0;
      for (int j = 0; j < dModel; j++) write[o + j] = (float) (w[j] - mean);
    }
    return new Rows(mOut, rms, write);
  }

  /**
   * The coefficients of ablating {@code act} of {@code feature} at row {@code slot} of {@code rows}, whose final
   * residual stream (centred when the final norm centres) is {@code resid[offset ..]} with final-norm scale
   * {@code sigma}; {@code finalEps} is the final norm's epsilon.
   */
  Change change(Rows rows, int slot, int feature, double act, float[] resid, int offset, double sigma,
      double finalEps) {
    int mo = slot * dModel;
    int uo = feature * dModel;
    double mu = 0;
    double uu = 0;
    double meanU = 0;
    for (int j = 0; j < dModel; j++) {
      double u0 = uBeforeNorm[uo + j];
      mu += rows.m()[mo + j] * u0;
      uu += u0 * u0;
      meanU += (float) (uBeforeNorm[uo + j] * scale[j]);
    }
    meanU = centres ? meanU / dModel : 0;
    double rms = rows.rms()[slot];
    double diff = (act * act * uu - 2 * act * mu) / dModel; // rms'^2 - rms^2
    double rmsAbl = Math.sqrt(rms * rms + diff);
    double a = diff / (rmsAbl * (rmsAbl + rms));
    double b = act / rmsAbl;
    // The final norm's scale of the changed row: resid - a ~w - b ~u.
    double ss = 0;
    for (int j = 0; j < dModel; j++) {
      double u = (float) (uBeforeNorm[uo + j] * scale[j]); // u = u0 g, rounded as the device's u
      double c = resid[offset + j] - a * rows.write()[mo + j] - b * (u - meanU);
      ss += c * c;
    }
    double sigmaAbl = Math.sqrt(ss / dModel + finalEps);
    return new Change(sigma / sigmaAbl - 1, b / sigmaAbl, a / sigmaAbl);
  }
}
