package org.featureatlas.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.featureatlas.data.Example;
import org.featureatlas.data.TokenValue;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.model.ForwardOptions;
import org.featureatlas.model.ForwardResult;
import org.featureatlas.model.Gpt2Model;

/**
 * Pass C: example windows. For every shown (feature i, position) the window {@code t-left .. t+right}
 * (clipped to the sequence) gets its tokens, activations, and at each active position q the ablation
 * {@code x' = x - f_i W_dec[i]} carried by the direct path to the final residual stream:
 * {@code r' = r - f_i u_i}, then the real ln_f and the unembedding. With {@code d = logits' - logits}
 * computed directly (no cancellation):
 * <pre>
 *   d = (logits - b) (sigma / sigma' - 1) - (f / sigma') ~v_i      (b = ln_f.bias W_U)
 *   logprob_change = log_softmax(logits) - log_softmax(logits') = log(sum_v p_v exp(d_v)) - d
 * </pre>
 * where sigma, sigma' are the LayerNorm scales of r and r'. Only batches holding a shown position run.
 */
final class WindowPass {
  private static final int PAIR_CHUNK = 256;
  private static final int CANDIDATES = 8;

  private final Gpt2Model model;
  private final LogitEffects effects;
  private final TokenDataset data;
  private final int left;
  private final int right;
  private final int hoverK;
  private final double eps;

  WindowPass(Gpt2Model model, LogitEffects effects, TokenDataset data, int left, int right, int hoverK) {
    this.model = model;
    this.effects = effects;
    this.data = data;
    this.left = left;
    this.right = right;
    this.hoverK = hoverK;
    this.eps = model.config().layerNormEpsilon();
  }

  /** Ablation results at one (batch row, feature). */
  private record PairResult(List<TokenValue> top, List<TokenValue> bottom, double nextTokenChange) {}

  /** Builds the example of every shown ref in this batch, keyed by {@link #key(int, long)}. */
  void run(ActivationCache.Block block, List<Selection.Ref> refs, NDManager parent, Map<Long, Example> out) {
    if (refs.isEmpty()) return;
    int seqLen = data.seqLen();
    SparseBatch f = block.activations();
    long first = (long) block.firstSequence() * seqLen;
    // The (row, feature) pairs to ablate: active positions of each window and the one before it.
    TreeMap<Long, Integer> pairIndex = new TreeMap<>();
    for (Selection.Ref ref : refs) {
      int row = (int) (ref.pos() - first);
      int t = row % seqLen;
      int rowStart = row - t;
      int from = Math.max(0, t - left - 1);
      int to = Math.min(seqLen - 1, t + right);
      for (int q = from; q <= to; q++) {
        if (f.get(rowStart + q, ref.feature()) > 0f) pairIndex.putIfAbsent(pairKey(rowStart + q, ref.feature()), 0);
      }
    }
    int nPairs = pairIndex.size();
    int[] pairRow = new int[nPairs];
    int[] pairFeature = new int[nPairs];
    int n = 0;
    for (Map.Entry<Long, Integer> e : pairIndex.entrySet()) {
      e.setValue(n);
      pairRow[n] = (int) (e.getKey() >>> 32);
      pairFeature[n] = (int) (e.getKey() & 0xffffffffL);
      n++;
    }
    PairResult[] results = ablate(block, f, pairRow, pairFeature, parent);
    for (Selection.Ref ref : refs) {
      out.put(key(ref.feature(), ref.pos()), example(ref, first, f, pairIndex, results));
    }
  }

  static long key(int feature, long pos) {
    return (pos << 24) ^ feature;
  }

  private static long pairKey(int row, int feature) {
    return ((long) row << 32) | feature;
  }

  private Example example(Selection.Ref ref, long first, SparseBatch f, Map<Long, Integer> pairIndex, PairResult[] results) {
    int seqLen = data.seqLen();
    int row = (int) (ref.pos() - first);
    int s = (int) (ref.pos() / seqLen);
    int t = row % seqLen;
    int rowStart = row - t;
    int start = Math.max(0, t - left);
    int end = Math.min(seqLen - 1, t + right);
    List<Integer> tokens = new ArrayList<>();
    List<Double> acts = new ArrayList<>();
    List<Double> loss = new ArrayList<>();
    List<List<TokenValue>> top = new ArrayList<>();
    List<List<TokenValue>> bottom = new ArrayList<>();
    for (int q = start; q <= end; q++) {
      tokens.add(data.token(s, q));
      float a = f.get(rowStart + q, ref.feature());
      acts.add((double) a);
      if (q == 0) {
        loss.add(null);
      } else {
        Integer prev = pairIndex.get(pairKey(rowStart + q - 1, ref.feature()));
        loss.add(prev == null ? 0.0 : -results[prev].nextTokenChange());
      }
      Integer here = a > 0f ? pairIndex.get(pairKey(rowStart + q, ref.feature())) : null;
      top.add(here == null ? List.of() : results[here].top());
      bottom.add(here == null ? List.of() : results[here].bottom());
    }
    return new Example(s, t, ref.act(), start, tokens, acts, loss, top, bottom);
  }

  private PairResult[] ablate(ActivationCache.Block block, SparseBatch f, int[] pairRow, int[] pairFeature, NDManager parent) {
    int seqLen = data.seqLen();
    int nSeq = f.rows / seqLen;
    PairResult[] results = new PairResult[pairRow.length];
    if (pairRow.length == 0) return results;
    try (NDManager m = parent.newSubManager()) {
      int[] ids = Arrays.copyOfRange(data.ids(), block.firstSequence() * seqLen, (block.firstSequence() + nSeq) * seqLen);
      NDArray tokens = m.create(ids, new Shape(nSeq, seqLen)); // [batch, seq]
      ForwardResult fr = model.forward(tokens, new ForwardOptions(java.util.Set.of(), null, true));
      long dModel = fr.finalResid().getShape().get(2);
      long vocab = fr.logits().getShape().get(2);
      NDArray resid = fr.finalResid().reshape(f.rows, dModel); // [rows, dModel]
      NDArray logits = fr.logits().reshape(f.rows, vocab); // [rows, vocab]
      NDArray centred = resid.sub(resid.mean(new int[] {1}, true)); // [rows, dModel]
      NDArray sigma = centred.square().mean(new int[] {1}).add(eps).sqrt(); // [rows]
      NDArray shifted = logits.sub(effects.logitBias); // [rows, vocab]
      NDArray probs = logits.softmax(1); // [rows, vocab]
      int[] nextToken = new int[pairRow.length];
      for (int p = 0; p < pairRow.length; p++) {
        int t = pairRow[p] % seqLen;
        nextToken[p] = t + 1 < seqLen ? ids[pairRow[p] + 1] : 0;
      }
      for (int from = 0; from < pairRow.length; from += PAIR_CHUNK) {
        int to = Math.min(pairRow.length, from + PAIR_CHUNK);
        int c = to - from;
        try (NDManager cm = m.newSubManager()) {
          long[] rowIdx = new long[c];
          long[] featIdx = new long[c];
          float[] act = new float[c];
          long[] next = new long[c];
          for (int p = 0; p < c; p++) {
            rowIdx[p] = pairRow[from + p];
            featIdx[p] = pairFeature[from + p];
            act[p] = f.get(pairRow[from + p], pairFeature[from + p]);
            next[p] = nextToken[from + p];
          }
          NDIndex rows = new NDIndex("{}", cm.create(rowIdx)); // pick c rows
          NDIndex feats = new NDIndex("{}", cm.create(featIdx)); // pick c features
          // Every gather lands in the chunk's manager, so every result derived from it does too.
          NDArray fAct = cm.create(act).reshape(c, 1); // [c, 1]
          NDArray r = centred.get(cm, rows); // [c, dModel]
          NDArray u = effects.uCentred.get(cm, feats); // [c, dModel]
          NDArray sigmaAbl = r.sub(u.mul(fAct)).square().mean(new int[] {1}, true).add(eps).sqrt(); // [c, 1]
          NDArray ratio = sigma.get(cm, rows).reshape(c, 1).div(sigmaAbl); // [c, 1]
          NDArray d = shifted.get(cm, rows).mul(ratio.sub(1)) // [c, vocab]
              .sub(effects.vCentred.get(cm, feats).mul(fAct.div(sigmaAbl))); // [c, vocab]
          NDArray dMax = d.max(new int[] {1}, true); // [c, 1]
          NDArray lse = probs.get(cm, rows).mul(d.sub(dMax).exp()).sum(new int[] {1}, true).log().add(dMax); // [c, 1]
          NDArray change = lse.sub(d); // [c, vocab]
          int k = (int) Math.min(CANDIDATES, vocab);
          NDList hi = change.topK(k, 1, true, true);
          NDList lo = change.topK(k, 1, false, true);
          NDArray nextChange = change.gather(cm.create(next).reshape(c, 1), 1); // [c, 1]
          float[] hiV = hi.get(0).toFloatArray();
          long[] hiI = hi.get(1).toType(DataType.INT64, false).toLongArray();
          float[] loV = lo.get(0).toFloatArray();
          long[] loI = lo.get(1).toType(DataType.INT64, false).toLongArray();
          float[] nc = nextChange.toFloatArray();
          for (int p = 0; p < c; p++) {
            results[from + p] = new PairResult(
                ordered(hiV, hiI, p * k, k, true), ordered(loV, loI, p * k, k, false), nc[p]);
          }
        }
      }
    }
    return results;
  }

  /** The first hoverK of k candidates, re-sorted by value (descending when largest), ties by token id. */
  private List<TokenValue> ordered(float[] v, long[] idx, int offset, int k, boolean largest) {
    List<TokenValue> c = new ArrayList<>(k);
    for (int j = 0; j < k; j++) c.add(new TokenValue((int) idx[offset + j], v[offset + j]));
    c.sort((a, b) -> {
      int byValue = largest ? Double.compare(b.value(), a.value()) : Double.compare(a.value(), b.value());
      return byValue != 0 ? byValue : Integer.compare(a.token(), b.token());
    });
    return List.copyOf(c.subList(0, Math.min(hoverK, c.size())));
  }

  /** Groups refs by the batch holding their sequence. */
  static Map<Integer, List<Selection.Ref>> byBatch(List<Selection.Ref> refs, int seqLen, int batchSize) {
    Map<Integer, List<Selection.Ref>> out = new HashMap<>();
    for (Selection.Ref r : refs) {
      int batch = (int) (r.pos() / seqLen) / batchSize;
      out.computeIfAbsent(batch, b -> new ArrayList<>()).add(r);
    }
    return out;
  }
}
