package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.FeatureCosine;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Manifest;
import org.featureatlas.io.HostTensor;
import org.featureatlas.progress.Stages;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Similar features against a brute-force computation over all pairs in exact decimal arithmetic (BigDecimal
 * dot products and norms, then sorted by cosine descending and lower feature), for one block and for blocks
 * of 1, 2 and 5 rows. Rows 4 and 5 are the same direction (5 = 2 x 4, exact in float) on either side of the 5-row blocks'
 * boundary, so every other feature sees them tied (4 first) and they see each other at cosine 1; row 7 is zero
 * (cosine 0 with everything); encoder B's rows 2 and 9 copy row 4 (a tie at the top of B's lists).
 */
class SimilarFeaturesTest {
  static final int D_SAE = 23;
  static final int D_SAE_B = 13;
  static final int D_IN = 7;
  static final int K = 6;

  @TempDir
  Path dir;

  static HostTensor decoder(int rows, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] w = new float[rows * D_IN];
    for (int q = 0; q < w.length; q++) w[q] = (float) r.nextGaussian();
    return HostTensor.of(w, rows, D_IN);
  }

  static void scaledCopy(HostTensor from, int i, HostTensor to, int j, float scale) {
    for (int c = 0; c < D_IN; c++) to.data()[j * D_IN + c] = scale * from.data()[i * D_IN + c];
  }

  /** The k most similar rows of {@code b} to row i of {@code a}, exactly, excluding {@code self}. */
  static List<FeatureCosine> reference(HostTensor a, int i, HostTensor b, int self, int k) {
    MathContext mc = MathContext.DECIMAL128;
    int d = a.cols();
    List<double[]> all = new ArrayList<>();
    BigDecimal ni = norm(a, i, mc);
    for (int j = 0; j < b.rows(); j++) {
      if (j == self) continue;
      BigDecimal nj = norm(b, j, mc);
      BigDecimal dot = BigDecimal.ZERO;
      for (int c = 0; c < d; c++) {
        dot = dot.add(new BigDecimal(a.data()[i * d + c]).multiply(new BigDecimal(b.data()[j * d + c])));
      }
      double cos = ni.signum() == 0 || nj.signum() == 0 ? 0.0 : dot.divide(ni.multiply(nj, mc), mc).doubleValue();
      all.add(new double[] {j, cos});
    }
    all.sort(Comparator.<double[]>comparingDouble(x -> -x[1]).thenComparingDouble(x -> x[0]));
    List<FeatureCosine> out = new ArrayList<>();
    for (int q = 0; q < Math.min(k, all.size()); q++) out.add(new FeatureCosine((int) all.get(q)[0], all.get(q)[1]));
    return out;
  }

  static BigDecimal norm(HostTensor a, int i, MathContext mc) {
    BigDecimal ss = BigDecimal.ZERO;
    int d = a.cols();
    for (int c = 0; c < d; c++) {
      BigDecimal x = new BigDecimal(a.data()[i * d + c]);
      ss = ss.add(x.multiply(x));
    }
    return ss.sqrt(mc);
  }

  static void assertMatches(List<FeatureCosine> want, List<FeatureCosine> got, String at) {
    assertEquals(want.size(), got.size(), at);
    for (int q = 0; q < want.size(); q++) {
      assertEquals(want.get(q).feature(), got.get(q).feature(), at + " entry " + q + ": " + got + " vs " + want);
      assertEquals(want.get(q).cosine(), got.get(q).cosine(), 1e-12, at + " entry " + q);
    }
  }

  @Test
  void blocksOfAnySizeMatchTheExactComputationWithTiesAcrossTheBoundary() {
    HostTensor a = decoder(D_SAE, 1);
    HostTensor b = decoder(D_SAE_B, 2);
    scaledCopy(a, 4, a, 5, 2f);
    for (int c = 0; c < D_IN; c++) a.data()[7 * D_IN + c] = 0f;
    scaledCopy(a, 4, b, 2, 1f);
    scaledCopy(a, 4, b, 9, 1f);
    try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      List<List<FeatureCosine>> first = null;
      for (int rows : new int[] {D_SAE, 5, 2, 1}) {
        RecordList got = new RecordList(SimilarFeatures.compute(a, b, K, rows, m, () -> {}));
        for (int i = 0; i < D_SAE; i++) {
          String at = rows + "-row blocks, feature " + i;
          assertMatches(reference(a, i, a, i, K), got.same(i), at + " (same SAE)");
          assertMatches(reference(a, i, b, -1, K), got.b(i), at + " (encoder B)");
        }
        if (first == null) first = got.all();
        else assertEquals(first, got.all(), "blocks of " + rows + " rows give other numbers than one block");
        // The tie across the boundary of the 5-row blocks: 4 and 5 are one direction.
        assertEquals(5, got.same(4).get(0).feature());
        assertEquals(1.0, got.same(4).get(0).cosine(), 1e-15);
        assertEquals(4, got.same(5).get(0).feature());
        assertEquals(1.0, got.same(5).get(0).cosine(), 1e-15);
        int seen = 0;
        for (int i = 0; i < D_SAE; i++) {
          List<FeatureCosine> l = got.same(i);
          for (int q = 0; q + 1 < l.size(); q++) {
            if (l.get(q).feature() == 4 && i != 5) {
              assertEquals(5, l.get(q + 1).feature(), "feature " + i + ": 5 ties with 4 and follows it");
              assertEquals(l.get(q).cosine(), l.get(q + 1).cosine());
              seen++;
            }
          }
          assertTrue(l.stream().noneMatch(c -> c.feature() == 7) || l.stream().filter(c -> c.feature() == 7).allMatch(c -> c.cosine() == 0.0));
        }
        assertTrue(seen >= 3, "only " + seen + " lists hold the tie");
        assertEquals(List.of(2, 9), got.b(4).subList(0, 2).stream().map(FeatureCosine::feature).toList());
        assertEquals(1.0, got.b(4).get(0).cosine(), 1e-15);
        assertTrue(got.same(7).stream().allMatch(c -> c.cosine() == 0.0), "a zero row: cosine 0 with every row");
        assertEquals(List.of(0, 1, 2, 3, 4, 5), got.same(7).stream().map(FeatureCosine::feature).toList());
      }
    }
  }

  /** The tables as the record part hands them out. */
  static final class RecordList {
    final List<List<FeatureCosine>> same = new ArrayList<>();
    final List<List<FeatureCosine>> b = new ArrayList<>();

    RecordList(SimilarFeatures s) {
      for (int i = 0; i < D_SAE; i++) {
        RecordFields f = new RecordFields(i, new ShownExamples());
        s.contribute(i, f);
        same.add(f.similarSame());
        b.add(f.similarB());
      }
    }

    List<FeatureCosine> same(int i) {
      return same.get(i);
    }

    List<FeatureCosine> b(int i) {
      return b.get(i);
    }

    List<List<FeatureCosine>> all() {
      List<List<FeatureCosine>> out = new ArrayList<>(same);
      out.addAll(b);
      return out;
    }
  }

  /**
   * A whole run whose similar-features step goes in blocks of 1 and 3 features gives the data directory of one
   * block, byte for byte; its tables match the exact computation over the SAE's (and encoder B's) decoder, in
   * the records and after rounding to 6 digits.
   */
  @Test
  void generationInBlocksWritesTheSameDataAndTheExactTables() throws Exception {
    TinyInputs in = new TinyInputs(dir, CorrelationBudgetTest.HOOK, Architecture.STANDARD, 12, 16, 5);
    SaeWeights sae = SaeWeights.load(in.sae);
    SaeWeights saeB = SaeWeights.load(in.saeB);
    int dIn = sae.config().dIn();
    float[] dec = sae.wDec().data();
    System.arraycopy(dec, 2 * dIn, dec, 3 * dIn, dIn); // features 2 and 3 tie, across the 3-row blocks' boundary
    sae.save(in.sae);
    GenerateRequest req = new GenerateRequest(in.model, in.sae, in.saeB, in.tokens, null, null, "cpu", 5, 13, null, null);
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    Path whole = dir.resolve("whole");
    new Generation(new Stages(), quiet, MemoryBudget.defaults()).run(req, whole);
    for (int rows : new int[] {1, 3}) {
      Path blocked = dir.resolve("rows-" + rows);
      new Generation(new Stages(), quiet, MemoryBudget.defaults(), Long.MAX_VALUE, rows).run(req, blocked);
      GenerationDeterminismTest.assertSameTree(whole, blocked);
    }
    Manifest manifest = DataDir.readManifest(whole);
    assertEquals(Manifest.FORMAT_VERSION, manifest.formatVersion());
    assertEquals(SimilarFeatures.K, manifest.settings().get("similar_table_size"));
    HostTensor a = sae.wDec();
    HostTensor b = saeB.wDec();
    MathContext six = new MathContext(6, java.math.RoundingMode.HALF_EVEN);
    for (FeatureRecord f : DataDir.readFeatures(whole, manifest)) {
      int i = f.index();
      for (boolean same : new boolean[] {true, false}) {
        List<FeatureCosine> want = same ? reference(a, i, a, i, SimilarFeatures.K) : reference(a, i, b, -1, SimilarFeatures.K);
        List<FeatureCosine> got = same ? f.similarFeatures() : f.similarFeaturesB();
        assertEquals(want.size(), got.size());
        for (int q = 0; q < want.size(); q++) {
          assertEquals(want.get(q).feature(), got.get(q).feature(), "feature " + i + " entry " + q + ": " + got + " vs " + want);
          assertEquals(new BigDecimal(want.get(q).cosine()).round(six).doubleValue(), got.get(q).cosine(), 1e-12);
        }
      }
    }
    List<FeatureRecord> records = DataDir.readFeatures(whole, manifest);
    assertEquals(new FeatureCosine(3, 1.0), records.get(2).similarFeatures().get(0));
    assertEquals(new FeatureCosine(2, 1.0), records.get(3).similarFeatures().get(0));
  }
}
