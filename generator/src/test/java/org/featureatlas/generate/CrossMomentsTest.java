package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;

/** The blocked cross sums against direct double sums, and the block planner. */
class CrossMomentsTest {
  static final int D_SAE = 7;
  static final int ROWS = 6;
  static final int BATCHES = 2 * CrossMoments.PENDING + 3; // two full flushes and a partial one

  /** Random batches: f (a third of the entries active) and dense units u. */
  record Batches(List<float[]> f, List<float[]> u, int dUnits) {
    static Batches random(int dUnits, boolean sparseUnits, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      List<float[]> fs = new ArrayList<>();
      List<float[]> us = new ArrayList<>();
      for (int b = 0; b < BATCHES; b++) {
        float[] f = new float[ROWS * D_SAE];
        float[] u = new float[ROWS * dUnits];
        for (int k = 0; k < f.length; k++) f[k] = r.nextInt(3) == 0 ? (float) r.nextDouble() : 0f;
        for (int k = 0; k < u.length; k++) {
          u[k] = sparseUnits ? (r.nextInt(3) == 0 ? (float) r.nextDouble() : 0f) : (float) r.nextGaussian();
        }
        fs.add(f);
        us.add(u);
      }
      return new Batches(fs, us, dUnits);
    }

    /** sum f_i u_j in position order, over every cell (zeros included), in double. */
    double[] direct() {
      double[] want = new double[D_SAE * dUnits];
      for (int b = 0; b < f.size(); b++) {
        for (int row = 0; row < ROWS; row++) {
          for (int i = 0; i < D_SAE; i++) {
            for (int j = 0; j < dUnits; j++) {
              want[i * dUnits + j] += (double) f.get(b)[row * D_SAE + i] * u.get(b)[row * dUnits + j];
            }
          }
        }
      }
      return want;
    }

    double[][] unitSums() {
      double[][] s = new double[2][dUnits];
      for (float[] ub : u) {
        for (int row = 0; row < ROWS; row++) {
          for (int j = 0; j < dUnits; j++) {
            double v = ub[row * dUnits + j];
            s[0][j] += v;
            s[1][j] += v * v;
          }
        }
      }
      return s;
    }
  }

  /** Feeds the batches to blocks of {@code blockRows} features; returns the whole table and the units. */
  static double[] blocked(Batches in, int blockRows, boolean sparseUnits, CrossMoments.Units[] units) {
    double[] got = new double[D_SAE * in.dUnits()];
    CrossMoments.Units shared = null;
    for (int from = 0; from < D_SAE; from += blockRows) {
      int to = Math.min(D_SAE, from + blockRows);
      CrossMoments cm = new CrossMoments(in.dUnits(), from, to, shared);
      for (int b = 0; b < in.f().size(); b++) {
        SparseBatch f = SparseBatch.fromDense(in.f().get(b), ROWS, D_SAE);
        if (sparseUnits) cm.addSparse(f, SparseBatch.fromDense(in.u().get(b), ROWS, in.dUnits()));
        else cm.addDense(in.u().get(b), ROWS, f);
      }
      if (shared != null) assertSame(shared, cm.units);
      shared = cm.units;
      System.arraycopy(cm.sums(), 0, got, from * in.dUnits(), (to - from) * in.dUnits());
    }
    units[0] = shared;
    return got;
  }

  @Test
  void blocksOfDenseUnitsEqualTheDirectSumsBitForBit() {
    Batches in = Batches.random(5, false, 9);
    check(in, false);
  }

  @Test
  void blocksOfSparseUnitsEqualTheDirectSumsBitForBit() {
    Batches in = Batches.random(11, true, 10);
    check(in, true);
  }

  private static void check(Batches in, boolean sparse) {
    double[] want = in.direct();
    double[][] unitSums = in.unitSums();
    for (int blockRows : new int[] {1, 2, 3, D_SAE}) {
      CrossMoments.Units[] units = new CrossMoments.Units[1];
      double[] got = blocked(in, blockRows, sparse, units);
      for (int k = 0; k < want.length; k++) {
        assertEquals(Double.doubleToLongBits(want[k]), Double.doubleToLongBits(got[k]),
            "blocks of " + blockRows + ", cell " + k + ": " + want[k] + " vs " + got[k]);
      }
      // The unit sums are counted once (by the first block), in position order.
      assertEquals((long) ROWS * BATCHES, units[0].positions, "positions, blocks of " + blockRows);
      for (int j = 0; j < in.dUnits(); j++) {
        assertEquals(unitSums[0][j], units[0].sum[j], 0.0, "unit sum " + j);
        assertEquals(unitSums[1][j], units[0].sumSq[j], 0.0, "unit sum of squares " + j);
      }
    }
  }

  @Test
  void topReadsTheFeaturesOwnRowOfItsBlock() {
    Batches in = Batches.random(5, false, 12);
    CrossMoments whole = new CrossMoments(5, 0, D_SAE, null);
    CrossMoments tail = null;
    for (int b = 0; b < BATCHES; b++) {
      whole.addDense(in.u().get(b), ROWS, SparseBatch.fromDense(in.f().get(b), ROWS, D_SAE));
    }
    whole.sums();
    tail = new CrossMoments(5, 4, D_SAE, whole.units);
    for (int b = 0; b < BATCHES; b++) {
      tail.addDense(in.u().get(b), ROWS, SparseBatch.fromDense(in.f().get(b), ROWS, D_SAE));
    }
    for (int i = 4; i < D_SAE; i++) {
      double s = 0;
      double ss = 0;
      for (float[] f : in.f()) {
        for (int row = 0; row < ROWS; row++) {
          s += f[row * D_SAE + i];
          ss += (double) f[row * D_SAE + i] * f[row * D_SAE + i];
        }
      }
      assertEquals(whole.top(i, s, ss, 3), tail.top(i, s, ss, 3), "feature " + i);
      assertEquals(3, tail.top(i, s, ss, 3).size());
    }
    CrossMoments block = tail;
    assertThrows(IllegalArgumentException.class, () -> block.top(3, 1, 1, 3));
  }

  @Test
  void theOldCapIsGoneAPairOf24576FeaturesIsPlannedInBlocks() {
    long budget = 64L << 20;
    // Two SAEs of 24,576 features on GPT-2's 768-wide residual stream: 24,576 x 24,576 cells was refused.
    Correlations.Plan pair = Correlations.plan(24_576, 768, 24_576, budget);
    assertEquals(budget / (8L * (768 + 24_576)), pair.blockRows());
    assertTrue(pair.sweeps() > 1, "sweeps " + pair.sweeps());
    assertTrue(pair.tableBytes() <= budget);
    assertEquals(24_576, pair.blockStart(pair.sweeps()));
    assertTrue(pair.blockStart(pair.sweeps() - 1) < 24_576);
    // 131,072 features on a 3,072-wide MLP (131,072 x 3,072 cells was refused too).
    Correlations.Plan wide = Correlations.plan(131_072, 3_072, 0, budget);
    assertEquals((int) Math.ceil(131_072.0 / wide.blockRows()), wide.sweeps());
    assertTrue(wide.tableBytes() <= budget);
    // Larger than int indexing: 16M features x 4,096 units.
    Correlations.Plan huge = Correlations.plan(1 << 24, 4_096, 1 << 24, 8L << 30);
    assertTrue((long) huge.blockRows() * (1 << 24) <= Integer.MAX_VALUE, "one block of table B is one array");
    assertEquals(1 << 24, huge.blockStart(huge.sweeps()));
    // A budget that holds everything: one sweep.
    assertEquals(1, Correlations.plan(48, 128, 40, Correlations.DEFAULT_BUDGET_BYTES).sweeps());
  }

  @Test
  void aBudgetBelowOneFeatureIsRefusedInOneLine() {
    AtlasException e = assertThrows(AtlasException.class, () -> Correlations.plan(48, 128, 40, 8L * (128 + 40) - 1));
    assertTrue(e.getMessage().contains("smaller than one feature's correlation sums (1344 bytes"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
    assertEquals(1, Correlations.plan(48, 128, 40, 8L * (128 + 40)).blockRows());
  }
}
