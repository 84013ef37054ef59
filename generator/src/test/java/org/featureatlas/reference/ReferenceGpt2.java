package org.featureatlas.reference;

import java.util.Map;
import java.util.TreeMap;
import org.featureatlas.io.HostTensor;
import org.featureatlas.model.Gpt2Config;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.model.HookPoint;
import org.featureatlas.model.HookSite;

/**
 * An independent GPT-2 forward pass in plain Java float64, one sequence at a time, written from the
 * GPT-2 definition (not from the DJL code). For tests: every TransformerLens hook value per
 * position, the final residual stream before ln_f, and the logits.
 */
public final class ReferenceGpt2 {
  private ReferenceGpt2() {}

  /**
   * The values of one pass.
   *
   * @param hooks every hook point of every layer: {@code [seq][width]}
   * @param finalResid last block's resid_post {@code [seq][d_model]}
   * @param logits {@code [seq][vocab]}
   */
  public record Trace(Map<HookPoint, double[][]> hooks, double[][] finalResid, double[][] logits) {
    public double[][] hook(HookPoint h) {
      return hooks.get(h);
    }
  }

  /** Runs {@code tokens} (one sequence) through the model in float64. */
  public static Trace forward(Gpt2Weights w, int[] tokens) {
    Gpt2Config c = w.config();
    int seq = tokens.length;
    int d = c.nEmbd();
    Map<HookPoint, double[][]> hooks = new TreeMap<>();
    double[][] x = new double[seq][d];
    HostTensor wte = w.get("wte.weight");
    HostTensor wpe = w.get("wpe.weight");
    for (int t = 0; t < seq; t++) {
      for (int j = 0; j < d; j++) {
        x[t][j] = (double) wte.data()[tokens[t] * d + j] + wpe.data()[t * d + j];
      }
    }
    for (int l = 0; l < c.nLayer(); l++) {
      String h = "h." + l + ".";
      hooks.put(new HookPoint(l, HookSite.RESID_PRE), copy(x));
      double[][] a = new double[seq][];
      for (int t = 0; t < seq; t++) {
        a[t] = layerNorm(x[t], w.get(h + "ln_1.weight"), w.get(h + "ln_1.bias"), c.layerNormEpsilon());
      }
      double[][] z = attentionZ(w, l, a);
      hooks.put(new HookPoint(l, HookSite.ATTN_Z), z);
      double[][] attnOut = new double[seq][];
      for (int t = 0; t < seq; t++) {
        attnOut[t] = linear(z[t], w.get(h + "attn.c_proj.weight"), w.get(h + "attn.c_proj.bias"));
      }
      hooks.put(new HookPoint(l, HookSite.ATTN_OUT), attnOut);
      double[][] mid = add(x, attnOut);
      hooks.put(new HookPoint(l, HookSite.RESID_MID), mid);
      double[][] post = new double[seq][];
      double[][] mlpOut = new double[seq][];
      for (int t = 0; t < seq; t++) {
        double[] n2 = layerNorm(mid[t], w.get(h + "ln_2.weight"), w.get(h + "ln_2.bias"), c.layerNormEpsilon());
        double[] hidden = linear(n2, w.get(h + "mlp.c_fc.weight"), w.get(h + "mlp.c_fc.bias"));
        for (int j = 0; j < hidden.length; j++) {
          hidden[j] = geluNew(hidden[j]);
        }
        post[t] = hidden;
        mlpOut[t] = linear(hidden, w.get(h + "mlp.c_proj.weight"), w.get(h + "mlp.c_proj.bias"));
      }
      hooks.put(new HookPoint(l, HookSite.MLP_POST), post);
      hooks.put(new HookPoint(l, HookSite.MLP_OUT), mlpOut);
      x = add(mid, mlpOut);
      hooks.put(new HookPoint(l, HookSite.RESID_POST), copy(x));
    }
    double[][] logits = new double[seq][];
    for (int t = 0; t < seq; t++) {
      logits[t] = logitsOf(w, x[t]);
    }
    return new Trace(hooks, x, logits);
  }

  /** Logits of one final residual vector: ln_f, then the unembedding. */
  public static double[] logitsOf(Gpt2Weights w, double[] resid) {
    Gpt2Config c = w.config();
    double[] n = layerNorm(resid, w.get("ln_f.weight"), w.get("ln_f.bias"), c.layerNormEpsilon());
    HostTensor u = w.unembed();
    int d = c.nEmbd();
    double[] out = new double[c.vocabSize()];
    for (int v = 0; v < out.length; v++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += n[j] * u.data()[v * d + j];
      }
      out[v] = s;
    }
    return out;
  }

  /** Log-softmax of {@code logits}. */
  public static double[] logSoftmax(double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : logits) {
      sum += Math.exp(v - max);
    }
    double lse = max + Math.log(sum);
    double[] out = new double[logits.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = logits[i] - lse;
    }
    return out;
  }

  /** The heads' results before c_proj, head-major: {@code z[t][head * dHead + e]}. */
  private static double[][] attentionZ(Gpt2Weights w, int l, double[][] a) {
    Gpt2Config c = w.config();
    String h = "h." + l + ".";
    int seq = a.length;
    int d = c.nEmbd();
    int nh = c.nHead();
    int dh = c.dHead();
    double[][] qkv = new double[seq][];
    for (int t = 0; t < seq; t++) {
      qkv[t] = linear(a[t], w.get(h + "attn.c_attn.weight"), w.get(h + "attn.c_attn.bias"));
    }
    double[][] z = new double[seq][d];
    for (int head = 0; head < nh; head++) {
      int qo = head * dh;
      int ko = d + head * dh;
      int vo = 2 * d + head * dh;
      for (int i = 0; i < seq; i++) {
        double[] score = new double[i + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= i; j++) {
          double s = 0;
          for (int e = 0; e < dh; e++) {
            s += qkv[i][qo + e] * qkv[j][ko + e];
          }
          score[j] = s / Math.sqrt(dh);
          max = Math.max(max, score[j]);
        }
        double sum = 0;
        for (int j = 0; j <= i; j++) {
          score[j] = Math.exp(score[j] - max);
          sum += score[j];
        }
        for (int j = 0; j <= i; j++) {
          double p = score[j] / sum;
          for (int e = 0; e < dh; e++) {
            z[i][head * dh + e] += p * qkv[j][vo + e];
          }
        }
      }
    }
    return z;
  }

  /** LayerNorm with biased variance. */
  public static double[] layerNorm(double[] x, HostTensor weight, HostTensor bias, double eps) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean);
    }
    var /= x.length;
    double[] out = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      out[j] = (x[j] - mean) / Math.sqrt(var + eps) * weight.data()[j] + bias.data()[j];
    }
    return out;
  }

  /** HF Conv1D: {@code x @ W + b}, W stored {@code [in, out]}. */
  public static double[] linear(double[] x, HostTensor weight, HostTensor bias) {
    int in = weight.rows();
    int out = weight.cols();
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      y[o] = bias.data()[o];
    }
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        y[o] += x[i] * weight.data()[i * out + o];
      }
    }
    return y;
  }

  public static double geluNew(double x) {
    return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  }

  private static double[][] add(double[][] a, double[][] b) {
    double[][] out = new double[a.length][a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        out[i][j] = a[i][j] + b[i][j];
      }
    }
    return out;
  }

  private static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }
}
