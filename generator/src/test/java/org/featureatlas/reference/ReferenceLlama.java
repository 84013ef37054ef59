package org.featureatlas.reference;

import java.util.Map;
import java.util.TreeMap;
import org.featureatlas.model.HookPoint;
import org.featureatlas.model.HookSite;

/**
 * An independent forward pass of the Llama family (Llama, Mistral, Qwen 2) in plain Java float64, one sequence
 * at a time, written from transformers' {@code modeling_llama.py} / {@code modeling_rope_utils.py} and
 * TransformerLens's hook definitions, not from the DJL code. Tensors are looked up by their Hugging Face names
 * ({@code model.layers.0.self_attn.q_proj.weight}, {@code [out, in]}); a missing bias is zero.
 */
public final class ReferenceLlama {
  private ReferenceLlama() {}

  /**
   * The architecture numbers, as the test wrote them into config.json.
   *
   * @param ropeType "default", "linear" or "llama3"
   * @param window Mistral's sliding window, 0 for none
   */
  public record Spec(int nLayer, int dModel, int nHead, int nKv, int dHead, int dMlp, int vocab, double eps,
      double theta, String ropeType, double factor, double lowFreqFactor, double highFreqFactor, double originalContext,
      boolean tied, int window) {}

  /** The hook values ({@code [seq][width]} for every hook point of every layer), the final residual and the logits. */
  public record Trace(Map<HookPoint, double[][]> hooks, double[][] finalResid, double[][] logits) {
    public double[][] hook(HookPoint h) {
      return hooks.get(h);
    }
  }

  /** Inverse rotary frequencies, as transformers' default / linear / llama3 rope initialisers compute them. */
  public static double[] invFreq(Spec s) {
    int half = s.dHead() / 2;
    double[] f = new double[half];
    for (int i = 0; i < half; i++) {
      double base = 1.0 / Math.pow(s.theta(), (double) (2 * i) / s.dHead());
      switch (s.ropeType()) {
        case "linear" -> f[i] = base / s.factor();
        case "llama3" -> {
          double lowWavelen = s.originalContext() / s.lowFreqFactor();
          double highWavelen = s.originalContext() / s.highFreqFactor();
          double wavelen = 2 * Math.PI / base;
          double scaled = wavelen > lowWavelen ? base / s.factor() : base;
          double smooth = (s.originalContext() / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
          double smoothed = (1 - smooth) * scaled / s.factor() + smooth * scaled;
          boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
          f[i] = medium ? smoothed : scaled;
        }
        default -> f[i] = base;
      }
    }
    return f;
  }

  public static Trace forward(Spec s, Map<String, float[]> w, int[] tokens) {
    int seq = tokens.length;
    int d = s.dModel();
    Map<HookPoint, double[][]> hooks = new TreeMap<>();
    double[][] x = new double[seq][d];
    float[] emb = w.get("model.embed_tokens.weight");
    for (int t = 0; t < seq; t++) {
      for (int j = 0; j < d; j++) {
        x[t][j] = emb[tokens[t] * d + j];
      }
    }
    double[] inv = invFreq(s);
    for (int l = 0; l < s.nLayer(); l++) {
      String p = "model.layers." + l + ".";
      hooks.put(new HookPoint(l, HookSite.RESID_PRE), copy(x));
      double[][] z = attention(s, w, p, x, inv);
      hooks.put(new HookPoint(l, HookSite.ATTN_Z), z);
      double[][] attnOut = new double[seq][];
      double[][] mid = new double[seq][];
      for (int t = 0; t < seq; t++) {
        attnOut[t] = linear(w, p + "self_attn.o_proj", z[t], s.nHead() * s.dHead(), d);
        mid[t] = add(x[t], attnOut[t]);
      }
      hooks.put(new HookPoint(l, HookSite.ATTN_OUT), attnOut);
      hooks.put(new HookPoint(l, HookSite.RESID_MID), mid);
      double[][] post = new double[seq][];
      double[][] mlpOut = new double[seq][];
      double[][] next = new double[seq][];
      for (int t = 0; t < seq; t++) {
        double[] n = rmsNorm(mid[t], w.get(p + "post_attention_layernorm.weight"), s.eps());
        double[] gate = linear(w, p + "mlp.gate_proj", n, d, s.dMlp());
        double[] up = linear(w, p + "mlp.up_proj", n, d, s.dMlp());
        double[] h = new double[s.dMlp()];
        for (int j = 0; j < h.length; j++) {
          h[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j]; // silu(gate) * up
        }
        post[t] = h;
        mlpOut[t] = linear(w, p + "mlp.down_proj", h, s.dMlp(), d);
        next[t] = add(mid[t], mlpOut[t]);
      }
      hooks.put(new HookPoint(l, HookSite.MLP_POST), post);
      hooks.put(new HookPoint(l, HookSite.MLP_OUT), mlpOut);
      hooks.put(new HookPoint(l, HookSite.RESID_POST), copy(next));
      x = next;
    }
    double[][] logits = new double[seq][];
    for (int t = 0; t < seq; t++) {
      logits[t] = logitsOf(s, w, x[t]);
    }
    return new Trace(hooks, x, logits);
  }

  /** Final RMSNorm, then the unembedding ({@code lm_head.weight}, or {@code embed_tokens} when tied). */
  public static double[] logitsOf(Spec s, Map<String, float[]> w, double[] resid) {
    double[] n = rmsNorm(resid, w.get("model.norm.weight"), s.eps());
    float[] u = s.tied() ? w.get("model.embed_tokens.weight") : w.get("lm_head.weight");
    double[] out = new double[s.vocab()];
    for (int v = 0; v < out.length; v++) {
      double acc = 0;
      for (int j = 0; j < n.length; j++) {
        acc += n[j] * u[v * n.length + j];
      }
      out[v] = acc;
    }
    return out;
  }

  /** The per-head results z {@code [seq][nHead * dHead]}, head-major, of rotary grouped-query attention. */
  private static double[][] attention(Spec s, Map<String, float[]> w, String p, double[][] x, double[] inv) {
    int seq = x.length;
    int d = s.dModel();
    int dh = s.dHead();
    double[][] q = new double[seq][];
    double[][] k = new double[seq][];
    double[][] v = new double[seq][];
    for (int t = 0; t < seq; t++) {
      double[] n = rmsNorm(x[t], w.get(p + "input_layernorm.weight"), s.eps());
      q[t] = rope(linear(w, p + "self_attn.q_proj", n, d, s.nHead() * dh), s.nHead(), dh, t, inv);
      k[t] = rope(linear(w, p + "self_attn.k_proj", n, d, s.nKv() * dh), s.nKv(), dh, t, inv);
      v[t] = linear(w, p + "self_attn.v_proj", n, d, s.nKv() * dh);
    }
    int group = s.nHead() / s.nKv();
    double[][] z = new double[seq][s.nHead() * dh];
    for (int h = 0; h < s.nHead(); h++) {
      int kvh = h / group;
      for (int i = 0; i < seq; i++) {
        double[] score = new double[seq];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= i; j++) {
          if (s.window() > 0 && i - j >= s.window()) {
            continue;
          }
          double acc = 0;
          for (int e = 0; e < dh; e++) {
            acc += q[i][h * dh + e] * k[j][kvh * dh + e];
          }
          score[j] = acc / Math.sqrt(dh);
          max = Math.max(max, score[j]);
        }
        double sum = 0;
        double[] prob = new double[seq];
        for (int j = 0; j <= i; j++) {
          if (s.window() > 0 && i - j >= s.window()) {
            continue;
          }
          prob[j] = Math.exp(score[j] - max);
          sum += prob[j];
        }
        for (int j = 0; j <= i; j++) {
          for (int e = 0; e < dh; e++) {
            z[i][h * dh + e] += prob[j] / sum * v[j][kvh * dh + e];
          }
        }
      }
    }
    return z;
  }

  /** Rotates each head's halves: {@code [x1 cos - x2 sin, x2 cos + x1 sin]} with angle {@code pos * inv[j]}. */
  private static double[] rope(double[] x, int heads, int dh, int pos, double[] inv) {
    double[] out = new double[x.length];
    int half = dh / 2;
    for (int h = 0; h < heads; h++) {
      for (int j = 0; j < half; j++) {
        double c = Math.cos(pos * inv[j]);
        double sn = Math.sin(pos * inv[j]);
        double a = x[h * dh + j];
        double b = x[h * dh + half + j];
        out[h * dh + j] = a * c - b * sn;
        out[h * dh + half + j] = b * c + a * sn;
      }
    }
    return out;
  }

  public static double[] rmsNorm(double[] x, float[] weight, double eps) {
    double ms = 0;
    for (double v : x) {
      ms += v * v;
    }
    ms /= x.length;
    double r = 1 / Math.sqrt(ms + eps);
    double[] out = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      out[j] = x[j] * r * weight[j];
    }
    return out;
  }

  /** {@code nn.Linear}: {@code W x + b}, W stored {@code [out, in]}; no bias tensor means zero. */
  private static double[] linear(Map<String, float[]> w, String name, double[] x, int in, int out) {
    float[] weight = w.get(name + ".weight");
    float[] bias = w.get(name + ".bias");
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double acc = bias == null ? 0 : bias[o];
      for (int i = 0; i < in; i++) {
        acc += weight[o * in + i] * x[i];
      }
      y[o] = acc;
    }
    return y;
  }

  private static double[] add(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i];
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
