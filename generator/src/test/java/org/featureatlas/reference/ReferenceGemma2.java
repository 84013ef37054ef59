package org.featureatlas.reference;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import org.featureatlas.model.HookPoint;
import org.featureatlas.model.HookSite;

/**
 * An independent forward pass of Gemma 2 in plain Java float64, one sequence at a time, written from
 * transformers' {@code modeling_gemma2.py} ({@code Gemma2RMSNorm}: {@code x / sqrt(mean(x^2) + eps) * (1 + w)};
 * embeddings times {@code sqrt(hidden_size)} rounded to the float32 dtype; {@code Gemma2DecoderLayer}: input norm,
 * attention, post-attention norm, residual, pre-feedforward norm, GeGLU MLP, post-feedforward norm, residual;
 * scores times {@code query_pre_attn_scalar^-1/2}, soft-capped, sliding window in layers with
 * {@code not layer_idx % 2}; final norm, lm_head, final soft cap) and TransformerLens's hook definitions
 * ({@code hook_attn_out} / {@code hook_mlp_out} after the post-norms), not from the DJL code. Tensors are looked up
 * by their Hugging Face names ({@code model.layers.0.self_attn.q_proj.weight}, {@code [out, in]}).
 */
public final class ReferenceGemma2 {
  private ReferenceGemma2() {}

  /** The architecture numbers, read from a config.json. */
  public record Spec(int nLayer, int dModel, int nHead, int nKv, int dHead, int dMlp, int vocab, double eps,
      double theta, double scalar, double attnCap, double finalCap, int window, boolean tied) {

    /** From a config written with every key present (null soft caps mean none). */
    public static Spec of(JsonNode c) {
      return new Spec(c.get("num_hidden_layers").asInt(), c.get("hidden_size").asInt(),
          c.get("num_attention_heads").asInt(), c.get("num_key_value_heads").asInt(), c.get("head_dim").asInt(),
          c.get("intermediate_size").asInt(), c.get("vocab_size").asInt(), c.get("rms_norm_eps").asDouble(),
          c.get("rope_theta").asDouble(), c.get("query_pre_attn_scalar").asDouble(),
          c.get("attn_logit_softcapping").isNull() ? 0 : c.get("attn_logit_softcapping").asDouble(),
          c.get("final_logit_softcapping").isNull() ? 0 : c.get("final_logit_softcapping").asDouble(),
          c.get("sliding_window").asInt(), c.get("tie_word_embeddings").asBoolean());
    }
  }

  public static ReferenceLlama.Trace forward(Spec s, Map<String, float[]> w, int[] tokens) {
    return forward(s, w, tokens, null, -1, null);
  }

  /**
   * The forward pass with {@code delta} added to the value of hook {@code at} ({@code attn.hook_z} or
   * {@code mlp.hook_post}) at position {@code pos} before the model goes on: everything after it sees the change.
   * The trace's hook values at {@code at} are the changed ones.
   */
  public static ReferenceLlama.Trace forward(Spec s, Map<String, float[]> w, int[] tokens, HookPoint at, int pos,
      double[] delta) {
    if (at != null && at.site() != HookSite.ATTN_Z && at.site() != HookSite.MLP_POST) {
      throw new IllegalArgumentException("interventions only at attn.hook_z and mlp.hook_post, not " + at);
    }
    int seq = tokens.length;
    int d = s.dModel();
    Map<HookPoint, double[][]> hooks = new TreeMap<>();
    double[][] x = new double[seq][d];
    float[] emb = w.get("model.embed_tokens.weight");
    double normalizer = (float) Math.sqrt(d); // torch.tensor(hidden_size**0.5, dtype=float32)
    for (int t = 0; t < seq; t++) {
      for (int j = 0; j < d; j++) {
        x[t][j] = emb[tokens[t] * d + j] * normalizer;
      }
    }
    for (int l = 0; l < s.nLayer(); l++) {
      String p = "model.layers." + l + ".";
      hooks.put(new HookPoint(l, HookSite.RESID_PRE), copy(x));
      double[][] z = attention(s, w, p, x, l % 2 == 0);
      if (at != null && at.equals(new HookPoint(l, HookSite.ATTN_Z))) {
        z[pos] = add(z[pos], delta);
      }
      hooks.put(new HookPoint(l, HookSite.ATTN_Z), z);
      double[][] attnOut = new double[seq][];
      double[][] mid = new double[seq][];
      for (int t = 0; t < seq; t++) {
        double[] o = linear(w, p + "self_attn.o_proj", z[t], s.nHead() * s.dHead(), d);
        attnOut[t] = rmsNorm1p(o, w.get(p + "post_attention_layernorm.weight"), s.eps());
        mid[t] = add(x[t], attnOut[t]);
      }
      hooks.put(new HookPoint(l, HookSite.ATTN_OUT), attnOut);
      hooks.put(new HookPoint(l, HookSite.RESID_MID), mid);
      double[][] post = new double[seq][];
      double[][] mlpOut = new double[seq][];
      double[][] next = new double[seq][];
      for (int t = 0; t < seq; t++) {
        double[] n = rmsNorm1p(mid[t], w.get(p + "pre_feedforward_layernorm.weight"), s.eps());
        double[] gate = linear(w, p + "mlp.gate_proj", n, d, s.dMlp());
        double[] up = linear(w, p + "mlp.up_proj", n, d, s.dMlp());
        double[] h = new double[s.dMlp()];
        for (int j = 0; j < h.length; j++) {
          h[j] = geluTanh(gate[j]) * up[j];
        }
        if (at != null && t == pos && at.equals(new HookPoint(l, HookSite.MLP_POST))) {
          h = add(h, delta);
        }
        post[t] = h;
        double[] down = linear(w, p + "mlp.down_proj", h, s.dMlp(), d);
        mlpOut[t] = rmsNorm1p(down, w.get(p + "post_feedforward_layernorm.weight"), s.eps());
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
    return new ReferenceLlama.Trace(hooks, x, logits);
  }

  /** Final norm ({@code 1 + w}), the unembedding (tied {@code embed_tokens} or {@code lm_head}), the soft cap. */
  public static double[] logitsOf(Spec s, Map<String, float[]> w, double[] resid) {
    double[] n = rmsNorm1p(resid, w.get("model.norm.weight"), s.eps());
    float[] u = s.tied() ? w.get("model.embed_tokens.weight") : w.get("lm_head.weight");
    double[] out = new double[s.vocab()];
    for (int v = 0; v < out.length; v++) {
      double acc = 0;
      for (int j = 0; j < n.length; j++) {
        acc += n[j] * u[v * n.length + j];
      }
      out[v] = s.finalCap() > 0 ? Math.tanh(acc / s.finalCap()) * s.finalCap() : acc;
    }
    return out;
  }

  private static double[][] attention(Spec s, Map<String, float[]> w, String p, double[][] x, boolean sliding) {
    int seq = x.length;
    int d = s.dModel();
    int dh = s.dHead();
    double[] inv = new double[dh / 2];
    for (int i = 0; i < inv.length; i++) {
      inv[i] = 1.0 / Math.pow(s.theta(), (double) (2 * i) / dh);
    }
    double[][] q = new double[seq][];
    double[][] k = new double[seq][];
    double[][] v = new double[seq][];
    for (int t = 0; t < seq; t++) {
      double[] n = rmsNorm1p(x[t], w.get(p + "input_layernorm.weight"), s.eps());
      q[t] = rope(linear(w, p + "self_attn.q_proj", n, d, s.nHead() * dh), s.nHead(), dh, t, inv);
      k[t] = rope(linear(w, p + "self_attn.k_proj", n, d, s.nKv() * dh), s.nKv(), dh, t, inv);
      v[t] = linear(w, p + "self_attn.v_proj", n, d, s.nKv() * dh);
    }
    double scaling = Math.pow(s.scalar(), -0.5);
    int group = s.nHead() / s.nKv();
    double[][] z = new double[seq][s.nHead() * dh];
    for (int h = 0; h < s.nHead(); h++) {
      int kvh = h / group;
      for (int i = 0; i < seq; i++) {
        double[] prob = new double[seq];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= i; j++) {
          if (sliding && i - j >= s.window()) {
            prob[j] = Double.NaN;
            continue;
          }
          double acc = 0;
          for (int e = 0; e < dh; e++) {
            acc += q[i][h * dh + e] * k[j][kvh * dh + e];
          }
          double score = acc * scaling;
          if (s.attnCap() > 0) {
            score = Math.tanh(score / s.attnCap()) * s.attnCap();
          }
          prob[j] = score;
          max = Math.max(max, score);
        }
        double sum = 0;
        for (int j = 0; j <= i; j++) {
          prob[j] = Double.isNaN(prob[j]) ? 0 : Math.exp(prob[j] - max);
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

  static double geluTanh(double x) {
    return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  }

  /** Rotates each head's halves: {@code [x1 cos - x2 sin, x2 cos + x1 sin]} with angle {@code pos * inv[j]}. */
  static double[] rope(double[] x, int heads, int dh, int pos, double[] inv) {
    double[] out = x.clone();
    int half = inv.length;
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

  /** Gemma's RMSNorm: {@code x / sqrt(mean(x^2) + eps) * (1 + w)}. */
  public static double[] rmsNorm1p(double[] x, float[] weight, double eps) {
    double ms = 0;
    for (double v : x) {
      ms += v * v;
    }
    ms /= x.length;
    double r = 1 / Math.sqrt(ms + eps);
    double[] out = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      out[j] = x[j] * r * (1.0 + weight[j]);
    }
    return out;
  }

  /** {@code nn.Linear}: {@code W x + b}, W stored {@code [out, in]}; no bias tensor means zero. */
  static double[] linear(Map<String, float[]> w, String name, double[] x, int in, int out) {
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

  static double[] add(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }

  static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }
}
