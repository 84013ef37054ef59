package org.featureatlas.reference;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import org.featureatlas.model.HookPoint;
import org.featureatlas.model.HookSite;

/**
 * An independent forward pass of GPT-NeoX (Pythia) in plain Java float64, one sequence at a time, written from
 * transformers' {@code modeling_gpt_neox.py} ({@code query_key_value} viewed as {@code [n_heads, 3 * head_size]}:
 * q, k, v of a head adjacent; rotary on the first {@code int(head_size * rotary_pct)} dimensions with
 * {@code rotary_emb_base}; scores over {@code sqrt(head_size)}; {@code dense}; with {@code use_parallel_residual}
 * {@code x + attn(ln1(x)) + mlp(ln2(x))}, else sequential; exact GELU; final LayerNorm; {@code embed_out}) and
 * TransformerLens's hook definitions (no {@code hook_resid_mid} when parallel), not from the DJL code.
 */
public final class ReferenceNeox {
  private ReferenceNeox() {}

  /** The architecture numbers, read from a config.json. */
  public record Spec(int nLayer, int dModel, int nHead, int dMlp, int vocab, double rotaryPct, double base, double eps,
      boolean parallel) {
    public static Spec of(JsonNode c) {
      return new Spec(c.get("num_hidden_layers").asInt(), c.get("hidden_size").asInt(),
          c.get("num_attention_heads").asInt(), c.get("intermediate_size").asInt(), c.get("vocab_size").asInt(),
          c.get("rotary_pct").asDouble(), c.get("rotary_emb_base").asDouble(), c.get("layer_norm_eps").asDouble(),
          c.get("use_parallel_residual").asBoolean());
    }

    public int dHead() {
      return dModel / nHead;
    }
  }

  public static ReferenceLlama.Trace forward(Spec s, Map<String, float[]> w, int[] tokens) {
    int seq = tokens.length;
    int d = s.dModel();
    Map<HookPoint, double[][]> hooks = new TreeMap<>();
    double[][] x = new double[seq][d];
    float[] emb = w.get("gpt_neox.embed_in.weight");
    for (int t = 0; t < seq; t++) {
      for (int j = 0; j < d; j++) {
        x[t][j] = emb[tokens[t] * d + j];
      }
    }
    for (int l = 0; l < s.nLayer(); l++) {
      String p = "gpt_neox.layers." + l + ".";
      hooks.put(new HookPoint(l, HookSite.RESID_PRE), ReferenceGemma2.copy(x));
      double[][] z = attention(s, w, p, x);
      hooks.put(new HookPoint(l, HookSite.ATTN_Z), z);
      double[][] attnOut = new double[seq][];
      double[][] post = new double[seq][];
      double[][] mlpOut = new double[seq][];
      double[][] mid = new double[seq][];
      double[][] next = new double[seq][];
      for (int t = 0; t < seq; t++) {
        attnOut[t] = ReferenceGemma2.linear(w, p + "attention.dense", z[t], d, d);
        mid[t] = ReferenceGemma2.add(x[t], attnOut[t]);
        double[] n = layerNorm(s.parallel() ? x[t] : mid[t], w, p + "post_attention_layernorm", s.eps());
        double[] pre = ReferenceGemma2.linear(w, p + "mlp.dense_h_to_4h", n, d, s.dMlp());
        double[] h = new double[s.dMlp()];
        for (int j = 0; j < h.length; j++) {
          h[j] = 0.5 * pre[j] * (1 + erf(pre[j] / Math.sqrt(2)));
        }
        post[t] = h;
        mlpOut[t] = ReferenceGemma2.linear(w, p + "mlp.dense_4h_to_h", h, s.dMlp(), d);
        next[t] = ReferenceGemma2.add(mid[t], mlpOut[t]); // parallel: x + attn + mlp, the same sum
      }
      hooks.put(new HookPoint(l, HookSite.ATTN_OUT), attnOut);
      if (!s.parallel()) {
        hooks.put(new HookPoint(l, HookSite.RESID_MID), mid);
      }
      hooks.put(new HookPoint(l, HookSite.MLP_POST), post);
      hooks.put(new HookPoint(l, HookSite.MLP_OUT), mlpOut);
      hooks.put(new HookPoint(l, HookSite.RESID_POST), ReferenceGemma2.copy(next));
      x = next;
    }
    double[][] logits = new double[seq][];
    for (int t = 0; t < seq; t++) {
      logits[t] = logitsOf(s, w, x[t]);
    }
    return new ReferenceLlama.Trace(hooks, x, logits);
  }

  /** The final LayerNorm, then {@code embed_out}. */
  public static double[] logitsOf(Spec s, Map<String, float[]> w, double[] resid) {
    double[] n = layerNorm(resid, w, "gpt_neox.final_layer_norm", s.eps());
    float[] u = w.get("embed_out.weight");
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

  private static double[][] attention(Spec s, Map<String, float[]> w, String p, double[][] x) {
    int seq = x.length;
    int d = s.dModel();
    int dh = s.dHead();
    int rot = (int) (dh * s.rotaryPct());
    double[] inv = new double[rot / 2];
    for (int i = 0; i < inv.length; i++) {
      inv[i] = 1.0 / Math.pow(s.base(), (double) (2 * i) / rot);
    }
    int nh = s.nHead();
    double[][] q = new double[seq][nh * dh];
    double[][] k = new double[seq][nh * dh];
    double[][] v = new double[seq][nh * dh];
    for (int t = 0; t < seq; t++) {
      double[] n = layerNorm(x[t], w, p + "input_layernorm", s.eps());
      double[] qkv = ReferenceGemma2.linear(w, p + "attention.query_key_value", n, d, 3 * d);
      for (int h = 0; h < nh; h++) {
        for (int e = 0; e < dh; e++) {
          q[t][h * dh + e] = qkv[h * 3 * dh + e];
          k[t][h * dh + e] = qkv[h * 3 * dh + dh + e];
          v[t][h * dh + e] = qkv[h * 3 * dh + 2 * dh + e];
        }
      }
      q[t] = ReferenceGemma2.rope(q[t], nh, dh, t, inv);
      k[t] = ReferenceGemma2.rope(k[t], nh, dh, t, inv);
    }
    double[][] z = new double[seq][nh * dh];
    for (int h = 0; h < nh; h++) {
      for (int i = 0; i < seq; i++) {
        double[] prob = new double[i + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= i; j++) {
          double acc = 0;
          for (int e = 0; e < dh; e++) {
            acc += q[i][h * dh + e] * k[j][h * dh + e];
          }
          prob[j] = acc / Math.sqrt(dh);
          max = Math.max(max, prob[j]);
        }
        double sum = 0;
        for (int j = 0; j <= i; j++) {
          prob[j] = Math.exp(prob[j] - max);
          sum += prob[j];
        }
        for (int j = 0; j <= i; j++) {
          for (int e = 0; e < dh; e++) {
            z[i][h * dh + e] += prob[j] / sum * v[j][h * dh + e];
          }
        }
      }
    }
    return z;
  }

  /** {@code (x - mean) / sqrt(var + eps) * w + b}, biased variance. */
  public static double[] layerNorm(double[] x, Map<String, float[]> w, String name, double eps) {
    float[] g = w.get(name + ".weight");
    float[] b = w.get(name + ".bias");
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
      out[j] = (x[j] - mean) / Math.sqrt(var + eps) * g[j] + b[j];
    }
    return out;
  }

  /** erf to about 1e-16 by its Taylor series (|x| < 3) or continued-fraction complement (Abramowitz and Stegun 7.1.5 / 7.1.14). */
  static double erf(double x) {
    double ax = Math.abs(x);
    double r;
    if (ax < 3) {
      double sum = 0;
      double term = ax;
      for (int n = 0; n < 200; n++) {
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
          break;
        }
        term *= -ax * ax / (n + 1);
      }
      r = 2 / Math.sqrt(Math.PI) * sum;
    } else {
      // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated bottom-up.
      double f = ax;
      for (int n = 60; n >= 1; n--) {
        f = ax + (n / 2.0) / f;
      }
      r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    }
    return x < 0 ? -r : r;
  }
}
