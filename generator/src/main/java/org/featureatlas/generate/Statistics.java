package org.featureatlas.generate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * The per-feature statistics of a run, in one place: which there are, in which pass each is added, and the
 * order in which they are saved. Adding a statistic is writing its class ({@link Statistic}) and listing it
 * in {@link #passA} (it needs nothing but the batches; it is kept in shard state and merged) or in
 * {@link #passB} (it needs every feature's range from pass A; it runs over the merged caches).
 */
final class Statistics {
  /** The statistics of one pass, in their listed order. */
  final List<Statistic> all;

  private Statistics(List<Statistic> all) {
    this.all = all;
  }

  /**
   * Pass A's statistics: moments, then top examples (the order of the shard state file). They are sized by
   * d_sae and {@code --top-k} (a shard's merge rebuilds them from those two before loading its state).
   */
  static Statistics passA(int dSae, int topK) {
    return new Statistics(List.of(new FeatureMoments(dSae), new TopExamples(dSae, topK)));
  }

  /** Pass B's statistics: activation histograms and intervals, over the ranges in {@code moments}. */
  static Statistics passB(FeatureMoments moments, GenerateSettings set, long seed) {
    return new Statistics(List.of(new ActivationHistogram(moments, set.nBins()),
        new IntervalStats(moments, set.nIntervals(), set.perInterval(), seed)));
  }

  /**
   * Every part of a record, in the order they fill it in: pass A's and pass B's statistics, then the results
   * that are not accumulated over batches (logit tables, neuron alignment, correlations, similar features).
   * A part missing here leaves its fields unset, and {@link RecordFields#build} refuses the record.
   */
  static List<RecordPart> recordParts(Statistics passA, Statistics passB, RecordPart... weightsAndCorrelations) {
    List<RecordPart> parts = new java.util.ArrayList<>(passA.all);
    parts.addAll(passB.all);
    parts.addAll(List.of(weightsAndCorrelations));
    return parts;
  }

  /** Adds one batch to every statistic. */
  void add(SparseBatch f, long firstPosition) {
    for (Statistic s : all) s.add(f, firstPosition);
  }

  /** Merges the same list of another shard, statistic by statistic. */
  void merge(Statistics other) {
    if (other.all.size() != all.size()) throw new IllegalArgumentException("different statistics");
    for (int k = 0; k < all.size(); k++) all.get(k).merge(other.all.get(k));
  }

  void write(DataOutputStream out) throws IOException {
    for (Statistic s : all) s.write(out);
  }

  void read(DataInputStream in) throws IOException {
    for (Statistic s : all) s.read(in);
  }

  /** The statistic of class {@code type}. */
  <T extends Statistic> T get(Class<T> type) {
    for (Statistic s : all) if (type.isInstance(s)) return type.cast(s);
    throw new IllegalArgumentException("no " + type.getSimpleName() + " among " + all);
  }
}
