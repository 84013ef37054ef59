package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Histogram;
import org.featureatlas.data.Logits;
import org.junit.jupiter.api.Test;

/**
 * The {@link Statistic}s of both passes: split-and-merge equals one pass, save/load round-trips, and the top
 * lists (top examples, interval samples) equal a brute-force sort of every active position.
 */
class StatisticsTest {
  static final int D_SAE = 7;
  static final int ROWS = 12;
  static final int BATCHES = 6;
  static final GenerateSettings SET = new GenerateSettings(3, 1, 1, 4, 3, 2, 2, 2, 2);
  static final long SEED = 5;

  /** Activations in quarters (exact sums in any grouping, many ties); feature 6 never fires. */
  static List<SparseBatch> batches(long seed) {
    Random rnd = new Random(seed);
    List<SparseBatch> out = new ArrayList<>();
    for (int b = 0; b < BATCHES; b++) {
      float[] dense = new float[ROWS * D_SAE];
      for (int r = 0; r < ROWS; r++) {
        for (int i = 0; i < D_SAE - 1; i++) {
          if (rnd.nextInt(3) == 0) dense[r * D_SAE + i] = (1 + rnd.nextInt(6)) / 4f;
        }
      }
      out.add(SparseBatch.fromDense(dense, ROWS, D_SAE));
    }
    return out;
  }

  static void add(Statistics s, List<SparseBatch> batches, int from, int to) {
    for (int b = from; b < to; b++) s.add(batches.get(b), (long) b * ROWS);
  }

  static byte[] bytes(Statistics s) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      s.write(out);
    }
    return bytes.toByteArray();
  }

  static Statistics passA() {
    return Statistics.passA(D_SAE, SET.topK());
  }

  static Statistics passB(FeatureMoments m) {
    return Statistics.passB(m, SET, SEED);
  }

  static FeatureMoments moments(List<SparseBatch> batches) {
    Statistics a = passA();
    add(a, batches, 0, BATCHES);
    return a.get(FeatureMoments.class);
  }

  @Test
  void shardsMergeToTheWholeRunAndStatesRoundTrip() throws IOException {
    List<SparseBatch> batches = batches(1);
    FeatureMoments m = moments(batches);
    for (int pass = 0; pass < 2; pass++) {
      boolean b = pass == 1;
      Statistics whole = b ? passB(m) : passA();
      add(whole, batches, 0, BATCHES);
      for (int cut : new int[] {0, 2, BATCHES}) {
        Statistics first = b ? passB(m) : passA();
        Statistics second = b ? passB(m) : passA();
        add(first, batches, 0, cut);
        add(second, batches, cut, BATCHES);
        first.merge(second);
        assertArrayEquals(bytes(whole), bytes(first), "pass " + (b ? "B" : "A") + " cut at batch " + cut);
      }
      Statistics loaded = b ? passB(m) : passA();
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes(whole)))) {
        loaded.read(in);
        assertEquals(-1, in.read(), "the whole state is read");
      }
      assertArrayEquals(bytes(whole), bytes(loaded));
    }
  }

  @Test
  void loadingRefusesAStateOfOtherSizesOrAShortOne() throws IOException {
    Statistics a = passA();
    add(a, batches(2), 0, BATCHES);
    byte[] state = bytes(a);
    Statistics otherK = Statistics.passA(D_SAE, 4);
    IOException e = assertThrows(IOException.class, () -> otherK.read(new DataInputStream(new ByteArrayInputStream(state))));
    assertTrue(e.getMessage().contains("top_k is 3 in the state, expected 4"), e.getMessage());
    Statistics otherD = Statistics.passA(D_SAE + 1, SET.topK());
    assertThrows(IOException.class, () -> otherD.read(new DataInputStream(new ByteArrayInputStream(state))));
    byte[] shortState = java.util.Arrays.copyOf(state, state.length - 3);
    assertThrows(IOException.class, () -> passA().read(new DataInputStream(new ByteArrayInputStream(shortState))));
  }

  /** Every active (feature, position, act) of the batches. */
  record Active(int feature, long pos, float act) {}

  static List<Active> active(List<SparseBatch> batches) {
    List<Active> out = new ArrayList<>();
    for (int b = 0; b < BATCHES; b++) {
      SparseBatch f = batches.get(b);
      for (int r = 0; r < ROWS; r++) {
        for (int i = 0; i < D_SAE; i++) {
          float v = f.get(r, i);
          if (v > 0) out.add(new Active(i, (long) b * ROWS + r, v));
        }
      }
    }
    return out;
  }

  @Test
  void topExamplesAreTheLargestActivationsTiesByPosition() {
    List<SparseBatch> batches = batches(3);
    Statistics a = passA();
    // Batches in reverse: the result depends on the set offered, not the order.
    for (int b = BATCHES - 1; b >= 0; b--) a.add(batches.get(b), (long) b * ROWS);
    TopExamples top = a.get(TopExamples.class);
    for (int i = 0; i < D_SAE; i++) {
      int feature = i;
      List<Selection.Ref> want = active(batches).stream().filter(x -> x.feature() == feature)
          .sorted(Comparator.comparingDouble((Active x) -> -x.act()).thenComparingLong(Active::pos))
          .limit(SET.topK()).map(x -> new Selection.Ref(feature, x.pos(), x.act())).toList();
      assertEquals(want, top.refs(i), "feature " + i);
    }
  }

  @Test
  void intervalSamplesAreTheSmallestSeededKeysShownByActivation() {
    List<SparseBatch> batches = batches(4);
    FeatureMoments m = moments(batches);
    Statistics b = passB(m);
    add(b, batches, 0, BATCHES);
    IntervalStats stats = b.get(IntervalStats.class);
    int n = SET.nIntervals();
    for (int i = 0; i < D_SAE; i++) {
      for (int j = 0; j < n; j++) {
        double lo = j * (double) m.max(i) / n;
        double hi = (j + 1) * (double) m.max(i) / n;
        int feature = i;
        // Interval j is (lo, hi]: the exact ends are the quarters' own values here, so no rounding question.
        List<Selection.Ref> want = active(batches).stream()
            .filter(x -> x.feature() == feature && x.act() > lo && x.act() <= hi)
            .sorted((x, y) -> Long.compareUnsigned(IntervalStats.key(SEED, feature, x.pos()), IntervalStats.key(SEED, feature, y.pos())))
            .limit(SET.perInterval()).map(x -> new Selection.Ref(feature, x.pos(), x.act()))
            .sorted(Selection.SHOWN_ORDER).toList();
        assertEquals(want, stats.samples(i, j), "feature " + i + " interval " + j);
      }
    }
  }

  @Test
  void aRecordIsFilledByEveryPartOnce() {
    List<SparseBatch> batches = batches(5);
    Statistics a = passA();
    add(a, batches, 0, BATCHES);
    FeatureMoments m = a.get(FeatureMoments.class);
    Statistics b = passB(m);
    add(b, batches, 0, BATCHES);
    ShownExamples shown = new ShownExamples();
    for (Active x : active(batches)) {
      shown.put(x.feature(), x.pos(), new Example((int) x.pos(), x.feature(), x.act(), 0, List.of(), List.of(), List.of(), List.of(), List.of()));
    }
    List<RecordPart> parts = new ArrayList<>(a.all);
    parts.addAll(b.all);
    parts.add((i, r) -> r.logits(new Logits(List.of(), List.of(), Histogram.empty())));
    parts.add((i, r) -> r.neuronAlignment(List.of()));
    parts.add(new Correlations.Result(new Correlations.TopUnits(D_SAE, 1), null));
    parts.add((i, r) -> r.similar(List.of(), null));
    FeatureRecord live = Generation.record(0, parts, shown);
    assertEquals(m.density(0), live.density());
    assertEquals(a.get(TopExamples.class).refs(0).stream().map(Selection.Ref::pos).toList(),
        live.topExamples().stream().map(e -> (long) e.seq()).toList(), "the top examples' windows, in order");
    assertEquals(SET.nIntervals(), live.intervals().size());
    long counted = 0;
    for (var in : live.intervals()) counted += Math.round(in.fraction() * m.positions());
    assertEquals(Math.round(m.density(0) * m.positions()), counted, "every active position falls in one interval");
    FeatureRecord dead = Generation.record(D_SAE - 1, parts, shown);
    assertTrue(dead.isDead() && dead.topExamples().isEmpty() && dead.intervals().isEmpty() && dead.actHistogram().isEmpty());
    assertThrows(IllegalStateException.class, () -> Generation.record(0, parts.subList(0, parts.size() - 1), shown),
        "a missing part");
    List<RecordPart> noCorrelations = new ArrayList<>(parts);
    noCorrelations.remove(parts.size() - 2);
    assertThrows(IllegalStateException.class, () -> Generation.record(0, noCorrelations, shown), "correlations missing");
    List<RecordPart> twice = new ArrayList<>(parts);
    twice.add(a.all.get(0));
    assertThrows(IllegalStateException.class, () -> Generation.record(0, twice, shown), "a part given twice");
  }
}
