package org.featureatlas.generate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.data.UnitScore;

/**
 * The correlation step after pass A: the top correlated neurons (units: the {@code d_in} hook activations)
 * and, with encoder B, the top correlated features of B, for every feature. The dense cross-sum tables
 * ({@link CrossMoments}) are formed a block of features at a time, as many features as the memory budget
 * holds, each block by one sweep of the pass-A caches (shards in order, batches in order), so the numbers
 * do not depend on the budget or on sharding. Only the top lists ({@code k} entries per feature) are kept.
 */
final class Correlations {
  /** The budget used until the caller passes one: 1 GiB of cross sums, today's largest table in one sweep. */
  static final long DEFAULT_BUDGET_BYTES = 1L << 30;

  private Correlations() {}

  /**
   * How the features are split into blocks: {@code blockRows} features per sweep (the last block may be
   * smaller), each holding {@code blockRows x (dIn + dSaeB)} doubles.
   */
  record Plan(int dSae, int dIn, int dSaeB, int blockRows) {
    int sweeps() {
      return sweeps(dSae);
    }

    /** Sweeps of the cache for {@code features} features. */
    int sweeps(int features) {
      return (int) (((long) features + blockRows - 1) / blockRows);
    }

    int blockStart(int b) {
      return (int) Math.min(dSae, (long) b * blockRows);
    }

    /** Bytes of the cross-sum tables of one block (at most the budget). */
    long tableBytes() {
      return 8L * blockRows * ((long) dIn + dSaeB);
    }
  }

  /**
   * Plans the blocks for a budget of {@code budgetBytes} bytes of cross sums; allocates nothing. Refuses
   * (one line) a budget smaller than one feature's row of both tables.
   */
  static Plan plan(int dSae, int dIn, int dSaeB, long budgetBytes) {
    Check.that(dSae > 0 && dIn > 0 && dSaeB >= 0, "correlation tables need d_sae > 0 and d_in > 0");
    long perFeature = 8L * ((long) dIn + dSaeB);
    long rows = budgetBytes / perFeature;
    if (rows < 1) {
      throw new AtlasException("the memory budget (" + budgetBytes + " bytes) is smaller than one feature's correlation sums ("
          + perFeature + " bytes: 8 x (d_in " + dIn + (dSaeB > 0 ? " + d_sae_B " + dSaeB : "") + ")); raise --memory");
    }
    // One block of each table is one Java array.
    long arrayRows = (Integer.MAX_VALUE - 8) / Math.max(dIn, dSaeB);
    return new Plan(dSae, dIn, dSaeB, (int) Math.min(Math.min(rows, arrayRows), dSae));
  }

  /** Per feature, its top {@code k} units; compact: three numbers per entry. */
  static final class TopUnits {
    private final int k;
    private final int[] count;
    private final int[] unit;
    private final double[] a;
    private final double[] b;

    TopUnits(int dSae, int k) {
      Check.that((long) dSae * k <= Integer.MAX_VALUE - 8, "d_sae x unit_table_size (" + dSae + " x " + k
          + ") is larger than one array holds");
      this.k = k;
      count = new int[dSae];
      unit = new int[dSae * k];
      a = new double[dSae * k];
      b = new double[dSae * k];
    }

    void set(int i, List<UnitScore> scores) {
      if (scores.size() > k) throw new IllegalArgumentException(scores.size() + " scores, at most " + k);
      count[i] = scores.size();
      for (int r = 0; r < scores.size(); r++) {
        unit[i * k + r] = scores.get(r).unit();
        a[i * k + r] = scores.get(r).a();
        b[i * k + r] = scores.get(r).b();
      }
    }

    /** Feature {@code i}'s entries, best first. */
    List<UnitScore> get(int i) {
      List<UnitScore> out = new ArrayList<>(count[i]);
      for (int r = 0; r < count[i]; r++) out.add(new UnitScore(unit[i * k + r], a[i * k + r], b[i * k + r]));
      return out;
    }
  }

  /** The two tables' top lists; {@code featuresB} null without encoder B. Gives the record its correlations. */
  record Result(TopUnits neurons, TopUnits featuresB) implements RecordPart {
    @Override
    public void contribute(int i, RecordFields record) {
      record.correlatedNeurons(neurons.get(i));
      record.correlatedFeaturesB(featuresB == null ? null : featuresB.get(i));
    }
  }

  /**
   * Sweeps the caches once per block of {@code plan}; {@code moments} are pass A's (merged) feature sums.
   * {@code afterBatch} runs after every cache batch read (progress).
   */
  static Result compute(List<Path> caches, Plan plan, FeatureMoments moments, int k, Runnable afterBatch) {
    return compute(caches, plan, moments, k, ExcludedPositions.none(), afterBatch);
  }

  /** {@link #compute} leaving the {@code excluded} positions (BOS) out of every sum and of N. */
  static Result compute(List<Path> caches, Plan plan, FeatureMoments moments, int k, ExcludedPositions excluded,
      Runnable afterBatch) {
    return compute(caches, plan, moments, k, excluded, 0, plan.dSae(), afterBatch);
  }

  /**
   * {@link #compute} for the features {@code [first, end)} only, in blocks of the plan's rows from {@code first}
   * (every cell still receives its products in position order, so the numbers are those of a whole run).
   */
  static Result compute(List<Path> caches, Plan plan, FeatureMoments moments, int k, ExcludedPositions excluded,
      int first, int end, Runnable afterBatch) {
    int dSae = plan.dSae();
    TopUnits neurons = new TopUnits(dSae, k);
    TopUnits featuresB = plan.dSaeB() > 0 ? new TopUnits(dSae, k) : null;
    CrossMoments.Units unitsN = null;
    CrossMoments.Units unitsB = null;
    for (int from = first; from < end; from += plan.blockRows()) {
      int to = Math.min(end, from + plan.blockRows());
      CrossMoments n = new CrossMoments(plan.dIn(), from, to, unitsN);
      CrossMoments b = featuresB == null ? null : new CrossMoments(plan.dSaeB(), from, to, unitsB);
      try (ActivationCache.Reader reader = ActivationCache.Reader.forCorrelations(caches, dSae, plan.dSaeB())) {
        for (ActivationCache.Block block; (block = reader.next()) != null; ) {
          if (block.dIn() != plan.dIn() || (b != null) != (block.activationsB() != null)) {
            throw new IllegalStateException("cached activations do not match d_in " + plan.dIn() + " / encoder B");
          }
          SparseBatch f = excluded.apply(block.activations(), block);
          n.addDense(block.x(), f.rows, f);
          if (b != null) b.addSparse(f, excluded.apply(block.activationsB(), block));
          afterBatch.run();
        }
      }
      n.sums();
      unitsN = n.units;
      if (b != null) unitsB = b.units;
      IntStream.range(from, to).parallel().forEach(i -> {
        neurons.set(i, n.top(i, moments.sum(i), moments.sumSq(i), k));
        if (b != null) featuresB.set(i, b.top(i, moments.sum(i), moments.sumSq(i), k));
      });
    }
    return new Result(neurons, featuresB);
  }
}
