package org.featureatlas.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.featureatlas.data.Example;
import org.featureatlas.data.TokenValue;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.model.LanguageModel;

/**
 * Pass C: example windows. For every shown (feature i, position) the window {@code t-left .. t+right}
 * (clipped to the sequence) gets its tokens, activations, and at each active position q the ablation
 * {@code x' = x - f_i W_dec[i]} carried by the direct path to the final residual stream:
 * {@code r' = r - f_i u_i}, then the model's real final norm and the unembedding. With {@code d = logits' - logits}
 * computed directly (no cancellation):
 * <pre>
 *   d = (logits - b) (sigma / sigma' - 1) - (f / sigma') ~v_i      (b = ln_f.bias W_U)
 *   logprob_change = log_softmax(logits) - log_softmax(logits') = log(sum_v p_v exp(d_v)) - d
 * </pre>
 * where sigma, sigma' are the final norm's scales of r and r' (LayerNorm: of the centred vectors; RMSNorm: the root
 * mean square of the vectors themselves, with {@code b = 0} and {@code ~v = v}); {@link Ablation} evaluates this on the
 * logits shifted by their maximum. With a final-logit soft cap (Gemma 2) the change is no longer linear in
 * {@code ~v}: the rows keep their raw logits and {@link DoubleAblation} applies the cap before and after
 * the change, exactly, in double. For a hook before a post-norm (Gemma 2's {@code mlp.hook_post} and
 * {@code attn.hook_z}) the norm is recomputed at each ablated position ({@link PostNormPath}): the change adds a
 * multiple of the row's own write, whose logits {@code omega} are formed once per row, and {@link DoubleAblation}
 * runs too. The final residual stream (and, before a post-norm, the hook values) come from pass A's cache, so this
 * pass runs only ln_f and the unembedding (and the hook's projection), and only for the positions it ablates.
 *
 * <p>The {@code ~v} rows come in blocks of features ({@link VBlock}, sized by the memory budget). For each
 * block the caller sweeps the cache: {@link #pairs} lists a batch's ablations once, {@link #ablate} runs
 * those whose feature is in the block, and after the last block {@link #examples} builds the windows.
 * Every ablation is computed on its own, so the results do not depend on the blocks.
 */
final class WindowPass {

  /** Rows whose shifted logits (vocab floats each) share the last-level cache while their pairs run. */
  private static final int ROW_GROUP = 64;

  private final LanguageModel model;
  private final LogitEffects effects;
  private final TokenDataset data;
  private final int left;
  private final int right;
  private final int hoverK;
  private final double eps;
  /** Whether the final norm centres (LayerNorm); RMSNorm's scale is of the uncentred vector. */
  private final boolean centres;
  private final LogitsSpill spill;
  /** The final-logit soft cap (0: none). */
  private final double softcap;
  /** The direct path through a post-norm, or null when the hook's write is linear in its value. */
  private final PostNormPath post;
  /** Whether {@link DoubleAblation} runs (a soft cap or a post-norm): the rows then keep their raw logits, unshifted. */
  private final boolean exactDouble;

  /**
   * @param spill where each batch's shifted logits are kept between {@code ~v} blocks, or null when pass C
   *     runs in one block (then every call of {@link #ablate} computes its batch's logits)
   * @param post the direct path through the hook's post-norm, or null where there is none (the blocks given to
   *     {@link #ablate} then need no hook values)
   */
  WindowPass(LanguageModel model, LogitEffects effects, TokenDataset data, int left, int right, int hoverK,
      LogitsSpill spill, PostNormPath post) {
    this.model = model;
    this.spill = spill;
    this.effects = effects;
    this.data = data;
    this.left = left;
    this.right = right;
    this.hoverK = hoverK;
    this.eps = model.finalNorm().eps();
    this.centres = model.finalNorm().kind().centres();
    this.softcap = model.finalSoftcap();
    this.post = post;
    this.exactDouble = softcap > 0 || post != null;
  }

  /** Ablation results at one (batch row, feature). */
  private record PairResult(List<TokenValue> top, List<TokenValue> bottom, double nextTokenChange) {}

  /**
   * The ablations of one batch: the (row, feature) pairs to ablate, sorted by row then feature, and their
   * results, filled in block by block of {@code ~v}.
   */
  static final class BatchPairs {
    final int batch;
    final List<Selection.Ref> refs;
    final Map<Long, Integer> pairIndex;
    final int[] pairRow;
    final int[] pairFeature;
    final PairResult[] results;
    /** Per distinct row of the pairs: max |m - b| of its shifted logits m, once computed (else null). */
    float[] maxAbsD;
    /** Per distinct row: log(sum e^m), once computed. */
    double[] logRowSum;
    /** Where the batch's shifted logits start in the spill file, in floats (with a spill, once computed). */
    long spillOffset = -1;
    /** Before a post-norm: where the logits of the rows' writes start in the spill file, in floats. */
    long omegaOffset = -1;

    private BatchPairs(int batch, List<Selection.Ref> refs, Map<Long, Integer> pairIndex, int[] pairRow, int[] pairFeature) {
      this.batch = batch;
      this.refs = refs;
      this.pairIndex = pairIndex;
      this.pairRow = pairRow;
      this.pairFeature = pairFeature;
      this.results = new PairResult[pairRow.length];
    }
  }

  /** The ~v rows of one block of features: {@code rows[i - first]} for feature i, null where not formed. */
  record VBlock(int first, float[][] rows) {
    boolean holds(int feature) {
      return feature >= first && feature - first < rows.length && rows[feature - first] != null;
    }

    float[] row(int feature) {
      return rows[feature - first];
    }
  }

  /** The pairs to ablate for the shown refs of this batch: active positions of each window and the one before it. */
  BatchPairs pairs(ActivationCache.Block block, List<Selection.Ref> refs) {
    int seqLen = data.seqLen();
    SparseBatch f = block.activations();
    long first = (long) block.firstSequence() * seqLen;
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
    return new BatchPairs(block.batch(), refs, pairIndex, pairRow, pairFeature);
  }

  /** Runs the ablations of {@code pairs} whose feature's ~v is in {@code v}. */
  void ablate(ActivationCache.Block block, BatchPairs pairs, VBlock v, NDManager parent) {
    ablate(block, block.activations(), pairs, v, parent);
  }

  /** Builds the example of every shown ref of a batch whose ablations are all done. */
  void examples(ActivationCache.Block block, BatchPairs pairs, ShownExamples out) {
    examples(block, pairs, 0, Integer.MAX_VALUE, out);
  }

  /**
   * Builds the example of every shown ref of a batch whose feature is in {@code [from, to)}, once the
   * ablations of those features are done (an example reads only its own feature's pairs).
   */
  void examples(ActivationCache.Block block, BatchPairs pairs, int from, int to, ShownExamples out) {
    long first = (long) block.firstSequence() * data.seqLen();
    for (int p = 0; p < pairs.results.length; p++) {
      if (pairs.results[p] == null && pairs.pairFeature[p] >= from && pairs.pairFeature[p] < to) {
        throw new IllegalStateException("pair " + p + " of batch " + pairs.batch + " was not ablated");
      }
    }
    for (Selection.Ref ref : pairs.refs) {
      if (ref.feature() < from || ref.feature() >= to) continue;
      out.put(ref.feature(), ref.pos(), example(ref, first, block.activations(), pairs.pairIndex, pairs.results));
    }
  }

  /** A (batch row, feature) pair as one long, row in the high half: both are non-negative ints, so it is exact. */
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

  private void ablate(ActivationCache.Block block, SparseBatch f, BatchPairs pairs, VBlock v, NDManager parent) {
    int seqLen = data.seqLen();
    int[] pairRow = pairs.pairRow;
    int[] pairFeature = pairs.pairFeature;
    PairResult[] results = pairs.results;
    boolean any = false;
    for (int feature : pairFeature) any |= v.holds(feature);
    if (!any) return;
    int dModel = effects.dModel;
    int vocab = effects.vocab;
    if (block.dModel() != dModel) {
      throw new IllegalStateException("cached residual width " + block.dModel() + " != d_model " + dModel);
    }
    // The distinct rows of the pairs (pairs come sorted by row), and each pair's index among them.
    int[] slotOf = new int[pairRow.length];
    int nRows = 0;
    for (int p = 0; p < pairRow.length; p++) {
      if (p == 0 || pairRow[p] != pairRow[p - 1]) nRows++;
      slotOf[p] = nRows - 1;
    }
    int[] rows = new int[nRows];
    for (int p = 0; p < pairRow.length; p++) rows[slotOf[p]] = pairRow[p];
    float[] resid = new float[nRows * dModel];
    for (int r = 0; r < nRows; r++) System.arraycopy(block.resid(), rows[r] * dModel, resid, r * dModel, dModel);
    // The shifted logits of the rows this block ablates, at rowAt[slot]. They are computed once per batch,
    // for all its rows in one product (whichever ~v block first needs them), so each row's logits are
    // those of a one-block run; with a spill, later blocks read back only the rows they need.
    int[] rowAt = new int[nRows];
    float[] shifted;
    // Before a post-norm: each row's m, rms(m) and write, recomputed for all the batch's rows in every block (the
    // same product each time), and the logits of the writes (omega), formed once per batch like the logits.
    PostNormPath.Rows postRows = post == null ? null : post.rows(block.x(), block.dIn(), rows, parent);
    float[] omega = null;
    if (pairs.maxAbsD == null || spill == null) {
      float[] all;
      try (NDManager m = parent.newSubManager()) {
        NDArray x = m.create(resid, new Shape(nRows, dModel)); // [rows, dModel]
        // For DoubleAblation the rows keep their raw (pre-cap) logits, unshifted.
        all = (softcap > 0 ? model.rawLogits(x) : model.logits(x)).toFloatArray(); // [rows, vocab]
      }
      if (post != null) omega = effects.directionLogits(postRows.write(), nRows); // [rows, vocab]
      float[] bias0 = effects.logitBias;
      ThreadLocal<Ablation> prep = ThreadLocal.withInitial(() -> Ablation.create(vocab, hoverK));
      // Per row: shift the logits by their maximum (in place), bound |m - b|, and log(sum e^m).
      float[] maxAbsD = new float[nRows];
      double[] logRowSum = new double[nRows];
      if (!exactDouble) {
        IntStream.range(0, nRows).parallel().forEach(r -> {
          Ablation kernel = prep.get();
          maxAbsD[r] = kernel.shiftRow(all, r * vocab, bias0);
          logRowSum[r] = kernel.rowSum(all, r * vocab, bias0);
        });
      }
      pairs.maxAbsD = maxAbsD;
      pairs.logRowSum = logRowSum;
      if (spill != null) {
        pairs.spillOffset = spill.append(all, nRows * vocab);
        if (omega != null) pairs.omegaOffset = spill.append(omega, nRows * vocab);
      }
      for (int r = 0; r < nRows; r++) rowAt[r] = r * vocab;
      shifted = all;
    } else {
      boolean[] need = new boolean[nRows];
      int needed = 0;
      for (int p = 0; p < pairRow.length; p++) {
        if (v.holds(pairFeature[p]) && !need[slotOf[p]]) {
          need[slotOf[p]] = true;
          needed++;
        }
      }
      shifted = new float[needed * vocab];
      if (post != null) omega = new float[needed * vocab];
      int k = 0;
      for (int r = 0; r < nRows; r++) {
        if (!need[r]) continue;
        rowAt[r] = k * vocab;
        spill.read(pairs.spillOffset + (long) r * vocab, shifted, k * vocab, vocab);
        if (omega != null) spill.read(pairs.omegaOffset + (long) r * vocab, omega, k * vocab, vocab);
        k++;
      }
    }
    float[] bias = effects.logitBias;
    float[] maxAbsD = pairs.maxAbsD;
    double[] logRowSum = pairs.logRowSum;
    ThreadLocal<Ablation> kernels = ThreadLocal.withInitial(() -> Ablation.create(vocab, hoverK));
    ThreadLocal<DoubleAblation> doubleKernels = exactDouble
        ? ThreadLocal.withInitial(() -> new DoubleAblation(vocab, hoverK, softcap)) : null;
    float[] omegaRows = omega;
    // LayerNorm scale of every row's final residual stream, and the centred rows.
    double[] sigma = new double[nRows];
    float[] centred = new float[resid.length];
    for (int r = 0; r < nRows; r++) {
      double mean = 0;
      if (centres) {
        for (int j = 0; j < dModel; j++) mean += resid[r * dModel + j];
        mean /= dModel;
      }
      double ss = 0;
      for (int j = 0; j < dModel; j++) {
        double c = resid[r * dModel + j] - mean;
        centred[r * dModel + j] = (float) c;
        ss += c * c;
      }
      sigma[r] = Math.sqrt(ss / dModel + eps);
    }
    int[] ids = data.ids();
    long firstPos = (long) block.firstSequence() * seqLen;
    // Memory order: rows in groups of ROW_GROUP (whose logits stay in the last-level cache), and within
    // a group by feature, so a feature's ~v is read from memory once for all its rows there.
    Integer[] order = IntStream.range(0, pairRow.length).filter(p -> v.holds(pairFeature[p])).boxed().toArray(Integer[]::new);
    Arrays.sort(order, (p, q) -> {
      int c = Integer.compare(slotOf[p] / ROW_GROUP, slotOf[q] / ROW_GROUP);
      if (c != 0) return c;
      c = Integer.compare(pairFeature[p], pairFeature[q]);
      return c != 0 ? c : Integer.compare(pairRow[p], pairRow[q]);
    });
    IntStream.range(0, order.length).parallel().forEach(o -> {
      int p = order[o];
      int row = pairRow[p];
      int slot = slotOf[p];
      int feature = pairFeature[p];
      double act = f.get(row, feature);
      int t = row % seqLen;
      int next = t + 1 < seqLen ? ids[(int) (firstPos + row + 1)] : -1;
      if (post != null) {
        PostNormPath.Change c = post.change(postRows, slot, feature, act, centred, slot * dModel, sigma[slot], eps);
        Ablation.Result res = doubleKernels.get().run(shifted, rowAt[slot], bias, v.row(feature), c.k1(), c.beta(),
            omegaRows, rowAt[slot], c.gamma(), next);
        results[p] = new PairResult(res.top(), res.bottom(), res.nextTokenChange());
        return;
      }
      // sigma' of r - f ~u (the ablated, centred residual).
      double ss = effects.ablatedSumSq(centred, slot * dModel, act, feature);
      double sigmaAbl = Math.sqrt(ss / dModel + eps);
      if (doubleKernels != null) {
        Ablation.Result res = doubleKernels.get().run(shifted, rowAt[slot], bias, v.row(feature), sigma[slot] / sigmaAbl - 1,
            act / sigmaAbl, next);
        results[p] = new PairResult(res.top(), res.bottom(), res.nextTokenChange());
        return;
      }
      float k1 = (float) (sigma[slot] / sigmaAbl - 1);
      float beta = (float) (act / sigmaAbl);
      // |d_v| <= |k1| max|m - b| + |beta| max|~v|, with room for the rounding of d.
      float bound = (Math.abs(k1) * maxAbsD[slot] + Math.abs(beta) * effects.maxAbsV(feature)) * 1.001f + 1e-3f;
      Ablation.Result res = kernels.get().run(shifted, rowAt[slot], logRowSum[slot], bias, v.row(feature),
          k1, beta, bound, next);
      results[p] = new PairResult(res.top(), res.bottom(), res.nextTokenChange());
    });
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
