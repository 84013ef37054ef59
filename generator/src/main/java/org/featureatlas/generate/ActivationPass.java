package org.featureatlas.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import org.featureatlas.check.AtlasException;
import org.featureatlas.model.ForwardOptions;
import org.featureatlas.model.ForwardResult;
import org.featureatlas.model.LanguageModel;
import org.featureatlas.sae.SaeEncoder;

/**
 * Pass A, the streaming pass: for each batch, the model's forward pass (capturing the hook and the
 * final residual stream; no logits), the centring rule, the SAE encode (and encoder B's), then pass A's
 * statistics ({@link Statistics#passA}) add the batch's non-zeros (the excluded BOS rows emptied), and the non-zeros (of both encoders), the
 * hook activations and the final residual stream go to the cache, so the model runs once per token. Only
 * plain Java arrays leave a batch's sub-manager.
 */
final class ActivationPass {
  /**
   * Everything pass A accumulates: its {@link Statistics}, mergeable across shards and saved in a shard's
   * state. The correlation tables are not part of it: they are formed after pass A from the caches
   * ({@link Correlations}), whose top lists land in {@link #correlations}.
   */
  static final class State {
    final Statistics statistics;
    /** The two statistics the later steps read (feature ranges and sums; the top positions to show). */
    final FeatureMoments moments;
    final TopExamples top;
    /** Set by the correlation step after pass A (and after a merge); not written to shard state. */
    Correlations.Result correlations;

    State(int dSae, int topK) {
      statistics = Statistics.passA(dSae, topK);
      moments = statistics.get(FeatureMoments.class);
      top = statistics.get(TopExamples.class);
    }

    void merge(State o) {
      statistics.merge(o.statistics);
    }

    void write(DataOutputStream out) throws IOException {
      statistics.write(out);
    }

    /** Loads a state written by {@link #write} for the same sizes into this new state. */
    void read(DataInputStream in) throws IOException {
      statistics.read(in);
    }
  }

  private final AtlasInputs in;
  private final LanguageModel model;
  private final SaeEncoder encoder;
  private final SaeEncoder encoderB;
  private final ExcludedPositions excluded;

  ActivationPass(AtlasInputs in, LanguageModel model, SaeEncoder encoder, SaeEncoder encoderB, ExcludedPositions excluded) {
    this.in = in;
    this.excluded = excluded;
    this.model = model;
    this.encoder = encoder;
    this.encoderB = encoderB;
  }

  /** Runs batch {@code b}: updates {@code state} and appends its non-zeros to {@code cache}. */
  void runBatch(int b, BatchPlan plan, NDManager parent, State state, ActivationCache.Writer cache) {
    int firstSeq = plan.firstSequence(b);
    int nSeq = plan.sequences(b);
    int seqLen = in.dataset().seqLen();
    int rows = nSeq * seqLen;
    int dIn = in.dIn();
    float[] x;
    float[] f;
    float[] fB = null;
    float[] resid;
    try (NDManager m = parent.newSubManager()) {
      int[] ids = Arrays.copyOfRange(in.dataset().ids(), firstSeq * seqLen, (firstSeq + nSeq) * seqLen);
      NDArray tokens = m.create(ids, new Shape(nSeq, seqLen)); // [batch, seq]
      ForwardResult r = model.forward(tokens, ForwardOptions.noLogits(Set.of(in.hook())));
      resid = r.finalResid().reshape(rows, -1).toFloatArray(); // [rows, dModel]
      NDArray act = r.hooks().get(in.hook()).reshape(rows, dIn); // [rows, dIn]
      if (in.centre()) {
        act = act.sub(act.mean(new int[] {1}, true)); // [rows, dIn]
      }
      x = act.toFloatArray();
      f = encoder.encode(act).toFloatArray(); // [rows, dSae]
      if (encoderB != null) {
        fB = encoderB.encode(act).toFloatArray(); // [rows, dSaeB]
      }
    }
    requireFinite(x, in.modelDir(), "activations at " + in.hook(), firstSeq, nSeq);
    requireFinite(resid, in.modelDir(), "the final residual stream", firstSeq, nSeq);
    requireFinite(f, in.saeDir(), "feature activations", firstSeq, nSeq);
    if (fB != null) {
      requireFinite(fB, in.saeBDir(), "feature activations of encoder B", firstSeq, nSeq);
    }
    // Excluded (BOS) rows are emptied here, so every later step (the cache included) sees them inactive.
    long firstPosition = (long) firstSeq * seqLen;
    SparseBatch sparse = excluded.apply(SparseBatch.fromDense(f, rows, in.dSae()), firstPosition);
    state.statistics.add(sparse, firstPosition);
    SparseBatch sparseB = fB == null ? null : excluded.apply(SparseBatch.fromDense(fB, rows, in.dSaeB()), firstPosition);
    cache.write(b, firstSeq, sparse, resid.length / rows, resid, dIn, x, sparseB);
  }

  /**
   * Finite weights can still overflow float32 on the way (huge but finite values): such a batch stops the
   * run with one line naming the input whose numbers overflowed, instead of a non-finite statistic later.
   */
  private static void requireFinite(float[] values, java.nio.file.Path source, String what, int firstSeq, int nSeq) {
    for (float v : values) {
      if (!Float.isFinite(v)) {
        throw new AtlasException(source + ": " + what + " are not finite in sequences " + firstSeq + ".."
            + (firstSeq + nSeq - 1) + " (the weights overflow float32?)");
      }
    }
  }
}
