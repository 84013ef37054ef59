package org.featureatlas.generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.featureatlas.io.HostTensor;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.model.HookPoint;
import org.featureatlas.model.HookSite;
import org.featureatlas.reference.ReferenceGpt2;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeWeights;

/**
 * Every number of feature-math.md computed the slow, obvious way in float64, from the float64 reference
 * GPT-2: all activations held in memory, two-pass statistics, sorting instead of heaps, the ablation
 * through the full ln_f + unembedding. Shares no code with the generation stage.
 */
final class ReferenceAtlas {
  record Window(int seq, int pos, double act, int start, int[] tokens, double[] acts, Double[] lossEffect,
      int[][] topIds, double[][] topVals, int[][] bottomIds, double[][] bottomVals) {}

  record IntervalRef(double lo, double hi, double fraction, List<Window> examples) {}

  record Feature(int index, double density, double maxAct, double meanAct, double[] histEdges, long[] histCounts,
      int[] topLogitIds, double[] topLogits, int[] bottomLogitIds, double[] bottomLogits, long[] logitHistCounts,
      double[] logitHistEdges, int[] alignUnits, double[] alignValues, double[] alignFractions,
      int[] corrUnits, double[] corrPearson, double[] corrCosine,
      int[] corrBUnits, double[] corrBPearson, double[] corrBCosine,
      List<Window> top, List<IntervalRef> intervals) {}

  /**
   * The float64 model the reference runs: hook values, final residual and logits of one sequence, logits of a
   * changed final residual (the real final norm), the final norm's multiplier, the unembedding, and the linear
   * map from a hook to its block's write ({@code [dIn][dModel]}, null for the identity; before a post-norm, with the
   * norm's multiplier folded in, as the logit effects define it). Where a post-norm makes the write non-linear,
   * {@link #write} gives it exactly, and the ablation goes through it (feature-math.md section 6).
   */
  interface Net {
    double[][][] run(int[] seq, HookPoint hook); // {hook values [seq][dIn], final residual [seq][dModel], logits [seq][vocab]}

    double[] logitsOf(double[] resid);

    double[] normScale();

    double unembed(int token, int d);

    double[][] wDown(HookPoint hook);

    /** The block's write into the residual stream for the hook value {@code value}, or null where it is linear. */
    default double[] write(HookPoint hook, double[] value) {
      return null;
    }

    int dModel();

    int vocab();
  }

  /** GPT-2 through {@link ReferenceGpt2}. */
  static Net gpt2(Gpt2Weights w) {
    return new Net() {
      public double[][][] run(int[] seq, HookPoint hook) {
        ReferenceGpt2.Trace tr = ReferenceGpt2.forward(w, seq);
        return new double[][][] {tr.hook(hook), tr.finalResid(), tr.logits()};
      }

      public double[] logitsOf(double[] resid) {
        return ReferenceGpt2.logitsOf(w, resid);
      }

      public double[] normScale() {
        float[] g = w.get("ln_f.weight").data();
        double[] out = new double[g.length];
        for (int d = 0; d < g.length; d++) out[d] = g[d];
        return out;
      }

      public double unembed(int token, int d) {
        return w.unembed().data()[token * dModel() + d];
      }

      public double[][] wDown(HookPoint hook) {
        if (hook.site() != HookSite.MLP_POST && hook.site() != HookSite.ATTN_Z) return null;
        HostTensor down = w.get("h." + hook.layer() + (hook.site() == HookSite.MLP_POST ? ".mlp.c_proj.weight" : ".attn.c_proj.weight"));
        double[][] out = new double[down.rows()][down.cols()];
        for (int j = 0; j < down.rows(); j++) for (int d = 0; d < down.cols(); d++) out[j][d] = down.at(j, d);
        return out;
      }

      public int dModel() {
        return w.config().nEmbd();
      }

      public int vocab() {
        return w.config().vocabSize();
      }
    };
  }

  final Net w;
  final HookPoint hook;
  final SaeWeights sae;
  final int nSeq;
  final int seqLen;
  final int[] ids;
  final int n;
  final double[][] x;        // [N][dIn] hook input as the SAE sees it
  final double[][] f;        // [N][dSae]
  final double[][] fB;       // [N][dSaeB] or null
  final double[][] finalResid;
  final double[][] logits;
  final double[][] u;        // [dSae][dModel] direct-path direction W_dec[i] W_down
  /** Positions left out of everything (BOS, feature-math section 6); none unless {@link #excludeToken}. */
  boolean[] skip;
  /** The positions that count: n less the skipped ones. */
  int counted;

  ReferenceAtlas(Gpt2Weights w, SaeWeights sae, SaeWeights saeB, int[] ids, int nSeq, int seqLen, HookPoint hook, boolean centre) {
    this(gpt2(w), sae, saeB, ids, nSeq, seqLen, hook, centre);
  }

  ReferenceAtlas(Net w, SaeWeights sae, SaeWeights saeB, int[] ids, int nSeq, int seqLen, HookPoint hook, boolean centre) {
    this.w = w;
    this.hook = hook;
    this.sae = sae;
    this.nSeq = nSeq;
    this.seqLen = seqLen;
    this.ids = ids;
    this.n = nSeq * seqLen;
    this.skip = new boolean[n];
    this.counted = n;
    x = new double[n][];
    finalResid = new double[n][];
    logits = new double[n][];
    for (int s = 0; s < nSeq; s++) {
      int[] seq = java.util.Arrays.copyOfRange(ids, s * seqLen, (s + 1) * seqLen);
      double[][][] tr = w.run(seq, hook);
      for (int t = 0; t < seqLen; t++) {
        double[] v = tr[0][t].clone();
        if (centre) {
          double mean = 0;
          for (double a : v) mean += a;
          mean /= v.length;
          for (int j = 0; j < v.length; j++) v[j] -= mean;
        }
        x[s * seqLen + t] = v;
        finalResid[s * seqLen + t] = tr[1][t];
        logits[s * seqLen + t] = tr[2][t];
      }
    }
    f = encode(sae, x);
    fB = saeB == null ? null : encode(saeB, x);
    int dSae = sae.config().dSae();
    int dIn = sae.config().dIn();
    int dModel = w.dModel();
    u = new double[dSae][dModel];
    HostTensor dec = sae.wDec();
    double[][] down = w.wDown(hook);
    for (int i = 0; i < dSae; i++) {
      if (down != null) {
        for (int j = 0; j < dIn; j++) {
          for (int d = 0; d < dModel; d++) u[i][d] += (double) dec.data()[i * dIn + j] * down[j][d];
        }
      } else {
        for (int d = 0; d < dModel; d++) u[i][d] = dec.data()[i * dIn + d];
      }
    }
  }

  /**
   * Leaves every position holding {@code token} out of every statistic and example: they count in no N,
   * are never examples or interval members, add to no correlation sum, show activation 0 in a window and
   * are never ablated.
   */
  ReferenceAtlas excludeToken(int token) {
    counted = 0;
    for (int p = 0; p < n; p++) {
      skip[p] = ids[p] == token;
      if (!skip[p]) counted++;
    }
    return this;
  }

  /** f_i at p as the atlas sees it: 0 at a skipped position. */
  double act(int p, int i) {
    return skip[p] ? 0.0 : f[p][i];
  }

  static double[][] encode(SaeWeights sae, double[][] x) {
    int dIn = sae.config().dIn();
    int dSae = sae.config().dSae();
    double[][] out = new double[x.length][dSae];
    for (int p = 0; p < x.length; p++) {
      double[] pre = new double[dSae];
      for (int i = 0; i < dSae; i++) {
        double s = sae.bEnc().data()[i];
        for (int j = 0; j < dIn; j++) {
          double in = x[p][j] - (sae.config().applyBDecToInput() ? sae.bDec().data()[j] : 0.0);
          s += in * sae.wEnc().data()[j * dSae + i];
        }
        pre[i] = s;
      }
      Architecture a = sae.config().architecture();
      for (int i = 0; i < dSae; i++) {
        if (a == Architecture.JUMPRELU) out[p][i] = pre[i] > sae.threshold().data()[i] ? pre[i] : 0;
        else out[p][i] = Math.max(pre[i], 0);
      }
      if (a == Architecture.TOPK) {
        Integer[] order = new Integer[dSae];
        for (int i = 0; i < dSae; i++) order[i] = i;
        final double[] row = out[p];
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -row[i]).thenComparingInt(i -> i));
        for (int r = sae.config().k(); r < dSae; r++) out[p][order[r]] = 0;
      }
    }
    return out;
  }

  Feature feature(int i, SaeWeights sae, HookPoint hook, GenerateSettings set, long seed) {
    List<Integer> active = new ArrayList<>();
    for (int p = 0; p < n; p++) if (!skip[p] && f[p][i] > 0) active.add(p);
    double max = 0;
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    for (int p : active) {
      max = Math.max(max, f[p][i]);
      min = Math.min(min, f[p][i]);
      sum += f[p][i];
    }
    double[] histEdges = new double[0];
    long[] histCounts = new long[0];
    List<Window> top = new ArrayList<>();
    List<IntervalRef> intervals = new ArrayList<>();
    if (!active.isEmpty()) {
      double[] vals = active.stream().mapToDouble(p -> f[p][i]).toArray();
      histEdges = edges(min, max, set.nBins());
      histCounts = counts(vals, histEdges);
      List<Integer> sorted = new ArrayList<>(active);
      sorted.sort(Comparator.comparingDouble((Integer p) -> -f[p][i]).thenComparingInt(p -> p));
      for (int r = 0; r < Math.min(set.topK(), sorted.size()); r++) top.add(window(i, sorted.get(r), set));
      for (int j = 0; j < set.nIntervals(); j++) {
        double lo = max * j / set.nIntervals();
        double hi = j + 1 == set.nIntervals() ? max : max * (j + 1) / set.nIntervals();
        List<Integer> members = new ArrayList<>();
        for (int p : active) if (f[p][i] > lo && f[p][i] <= hi) members.add(p);
        members.sort((a, b) -> Long.compareUnsigned(hash(seed, i, a), hash(seed, i, b)));
        List<Integer> chosen = new ArrayList<>(members.subList(0, Math.min(set.perInterval(), members.size())));
        chosen.sort(Comparator.comparingDouble((Integer p) -> -f[p][i]).thenComparingInt(p -> p));
        List<Window> ex = new ArrayList<>();
        for (int p : chosen) ex.add(window(i, p, set));
        intervals.add(new IntervalRef(lo, hi, (double) members.size() / counted, ex));
      }
    }
    // Logit effect: u_i . (final norm weight * W_U), centred over the vocabulary.
    double[] g = w.normScale();
    int dModel = w.dModel();
    int vocab = w.vocab();
    double[] v = new double[vocab];
    double mean = 0;
    for (int t = 0; t < vocab; t++) {
      for (int d = 0; d < dModel; d++) v[t] += u[i][d] * g[d] * w.unembed(t, d);
      mean += v[t];
    }
    mean /= vocab;
    for (int t = 0; t < vocab; t++) v[t] -= mean;
    int[] byDesc = order(v, true);
    int[] byAsc = order(v, false);
    int nl = set.nLogits();
    double[] logitEdges = edges(v[byAsc[0]], v[byDesc[0]], set.nBins());
    // Neuron alignment.
    int dIn = sae.config().dIn();
    double[] row = new double[dIn];
    double l1 = 0;
    for (int j = 0; j < dIn; j++) {
      row[j] = sae.wDec().data()[i * dIn + j];
      l1 += Math.abs(row[j]);
    }
    int[] align = java.util.Arrays.copyOf(order(row, true), set.nUnits());
    double[] alignValues = new double[align.length];
    double[] alignFractions = new double[align.length];
    for (int r = 0; r < align.length; r++) {
      alignValues[r] = row[align[r]];
      alignFractions[r] = Math.abs(row[align[r]]) / l1;
    }
    double[][] corr = correlations(i, x, set.nUnits());
    double[][] corrB = fB == null ? null : correlations(i, fB, set.nUnits());
    return new Feature(i, (double) active.size() / counted, max, active.isEmpty() ? 0 : sum / active.size(),
        histEdges, histCounts,
        pick(byDesc, nl), values(v, byDesc, nl), pick(byAsc, nl), values(v, byAsc, nl),
        counts(v, logitEdges), logitEdges, align, alignValues, alignFractions,
        ints(corr[0]), corr[1], corr[2],
        corrB == null ? null : ints(corrB[0]), corrB == null ? null : corrB[1], corrB == null ? null : corrB[2],
        top, intervals);
  }

  /** Top units by two-pass Pearson correlation with feature i; rows: unit ids, pearson, cosine. */
  double[][] correlations(int i, double[][] units, int k) {
    int dU = units[0].length;
    double mf = 0;
    for (int p = 0; p < n; p++) if (!skip[p]) mf += f[p][i];
    mf /= counted;
    double vf = 0;
    for (int p = 0; p < n; p++) if (!skip[p]) vf += (f[p][i] - mf) * (f[p][i] - mf);
    if (vf == 0) return new double[][] {{}, {}, {}};
    double[] pearson = new double[dU];
    double[] cosine = new double[dU];
    boolean[] ok = new boolean[dU];
    for (int j = 0; j < dU; j++) {
      double mu = 0;
      for (int p = 0; p < n; p++) if (!skip[p]) mu += units[p][j];
      mu /= counted;
      double vu = 0;
      double cov = 0;
      double dot = 0;
      double ff = 0;
      double uu = 0;
      for (int p = 0; p < n; p++) {
        if (skip[p]) continue;
        vu += (units[p][j] - mu) * (units[p][j] - mu);
        cov += (f[p][i] - mf) * (units[p][j] - mu);
        dot += f[p][i] * units[p][j];
        ff += f[p][i] * f[p][i];
        uu += units[p][j] * units[p][j];
      }
      ok[j] = vu > 1e-12 * uu;
      pearson[j] = ok[j] ? cov / Math.sqrt(vf * vu) : Double.NEGATIVE_INFINITY;
      cosine[j] = dot / Math.sqrt(ff * uu);
    }
    int[] o = order(pearson, true);
    List<double[]> rows = new ArrayList<>();
    for (int r = 0; r < k && r < dU; r++) if (ok[o[r]]) rows.add(new double[] {o[r], pearson[o[r]], cosine[o[r]]});
    double[][] out = new double[3][rows.size()];
    for (int r = 0; r < rows.size(); r++) for (int c = 0; c < 3; c++) out[c][r] = rows.get(r)[c];
    return out;
  }

  Window window(int i, int p, GenerateSettings set) {
    int s = p / seqLen;
    int t = p % seqLen;
    int start = Math.max(0, t - set.windowLeft());
    int end = Math.min(seqLen - 1, t + set.windowRight());
    int len = end - start + 1;
    int[] tokens = new int[len];
    double[] acts = new double[len];
    Double[] loss = new Double[len];
    int[][] topIds = new int[len][];
    double[][] topVals = new double[len][];
    int[][] botIds = new int[len][];
    double[][] botVals = new double[len][];
    for (int q = start; q <= end; q++) {
      int at = q - start;
      int pq = s * seqLen + q;
      tokens[at] = ids[pq];
      acts[at] = act(pq, i);
      if (q == 0) {
        loss[at] = null;
      } else if (act(pq - 1, i) > 0) {
        double[] change = change(i, pq - 1);
        loss[at] = -change[ids[pq]];
      } else {
        loss[at] = 0.0;
      }
      if (act(pq, i) > 0) {
        double[] change = change(i, pq);
        int[] hi = order(change, true);
        int[] lo = order(change, false);
        topIds[at] = pick(hi, set.hoverK());
        topVals[at] = values(change, hi, set.hoverK());
        botIds[at] = pick(lo, set.hoverK());
        botVals[at] = values(change, lo, set.hoverK());
      } else {
        topIds[at] = new int[0];
        topVals[at] = new double[0];
        botIds[at] = new int[0];
        botVals[at] = new double[0];
      }
    }
    return new Window(s, t, f[p][i], start, tokens, acts, loss, topIds, topVals, botIds, botVals);
  }

  /**
   * log_softmax(logits) - log_softmax(logits after removing f_i u_i from the final residual at p); where the block's
   * write is not linear in the hook value (a post-norm), after removing write(x) - write(x - f_i W_dec[i]).
   */
  double[] change(int i, int p) {
    double[] r = finalResid[p].clone();
    double[] before = w.write(hook, x[p]);
    if (before == null) {
      for (int d = 0; d < r.length; d++) r[d] -= f[p][i] * u[i][d];
    } else {
      double[] ablated = x[p].clone();
      int dIn = ablated.length;
      for (int j = 0; j < dIn; j++) ablated[j] -= f[p][i] * sae.wDec().data()[i * dIn + j];
      double[] after = w.write(hook, ablated);
      for (int d = 0; d < r.length; d++) r[d] -= before[d] - after[d];
    }
    double[] clean = ReferenceGpt2.logSoftmax(logits[p]);
    double[] ablated = ReferenceGpt2.logSoftmax(w.logitsOf(r));
    double[] out = new double[clean.length];
    for (int v = 0; v < out.length; v++) out[v] = clean[v] - ablated[v];
    return out;
  }

  /** The seeded sampling key of feature-math's interval samples (SplitMix64 finaliser). */
  static long hash(long seed, int feature, long pos) {
    long z = seed * 0x9E3779B97F4A7C15L + feature * 0xBF58476D1CE4E5B9L + pos * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static double[] edges(double lo, double hi, int bins) {
    if (lo == hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    double[] e = new double[bins + 1];
    for (int k = 0; k <= bins; k++) e[k] = lo + (hi - lo) * k / bins;
    e[bins] = hi;
    return e;
  }

  static long[] counts(double[] vals, double[] edges) {
    long[] c = new long[edges.length - 1];
    if (java.util.Arrays.stream(vals).distinct().count() == 1) {
      c[c.length / 2] = vals.length; // one distinct value: numpy's range +-0.5 puts it in the middle bin
      return c;
    }
    for (double v : vals) {
      int k = edges.length - 2;
      while (k > 0 && v < edges[k]) k--;
      c[k]++;
    }
    return c;
  }

  /** Indices sorted by value (descending or ascending), ties by lower index. */
  static int[] order(double[] v, boolean desc) {
    Integer[] o = new Integer[v.length];
    for (int k = 0; k < v.length; k++) o[k] = k;
    java.util.Arrays.sort(o, Comparator.comparingDouble((Integer k) -> desc ? -v[k] : v[k]).thenComparingInt(k -> k));
    int[] out = new int[v.length];
    for (int k = 0; k < v.length; k++) out[k] = o[k];
    return out;
  }

  static int[] pick(int[] order, int k) {
    return java.util.Arrays.copyOf(order, Math.min(k, order.length));
  }

  static double[] values(double[] v, int[] order, int k) {
    double[] out = new double[Math.min(k, order.length)];
    for (int r = 0; r < out.length; r++) out[r] = v[order[r]];
    return out;
  }

  static int[] ints(double[] a) {
    int[] out = new int[a.length];
    for (int r = 0; r < a.length; r++) out[r] = (int) a[r];
    return out;
  }
}
