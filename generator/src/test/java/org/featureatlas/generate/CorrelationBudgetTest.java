package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.featureatlas.check.AtlasException;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Manifest;
import org.featureatlas.data.UnitScore;
import org.featureatlas.model.HookPoint;
import org.featureatlas.progress.Stages;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The correlation tables formed in many small blocks (1 and 3 features per sweep of the cache, and a merge
 * of shards with 2 per sweep) give the same data directory, byte for byte, as one block, and agree with
 * {@link ReferenceAtlas}'s float64 computation. Features 2 and 3 are identical and straddle the boundary
 * of the 3-feature blocks; encoder B's features 5 and 6 are copies of feature 2, so feature 2's and 3's
 * B-lists open with a tie (lower unit first).
 */
class CorrelationBudgetTest {
  static final long SEED = 13;
  static final String HOOK = "blocks.1.mlp.hook_post";

  @TempDir
  Path dir;

  static Generation generation(long budget) {
    return new Generation(new Stages(), new PrintStream(OutputStream.nullOutputStream()), MemoryBudget.defaults(), budget);
  }

  /** Copies feature {@code from} of {@code src}'s encoder (column of W_enc, b_enc) into feature {@code to} of {@code dst}. */
  static void copyFeature(SaeWeights src, int from, SaeWeights dst, int to) {
    int dIn = src.config().dIn();
    float[] ws = src.wEnc().data();
    float[] wd = dst.wEnc().data();
    for (int j = 0; j < dIn; j++) wd[j * dst.config().dSae() + to] = ws[j * src.config().dSae() + from];
    dst.bEnc().data()[to] = src.bEnc().data()[from];
  }

  @Test
  void manyBlocksGiveTheSameDataAsOneAndMatchTheReference() throws Exception {
    TinyInputs in = new TinyInputs(dir, HOOK, Architecture.STANDARD, 12, 16, 5);
    SaeWeights sae = SaeWeights.load(in.sae);
    SaeWeights saeB = SaeWeights.load(in.saeB);
    sae.bEnc().data()[2] = 100f; // feature 2 fires everywhere (and varies): alive whatever the random weights
    copyFeature(sae, 2, sae, 3);
    System.arraycopy(sae.bDec().data(), 0, saeB.bDec().data(), 0, sae.config().dIn()); // same input to both
    copyFeature(sae, 2, saeB, 5);
    copyFeature(sae, 2, saeB, 6);
    sae.save(in.sae);
    saeB.save(in.saeB);
    int dIn = sae.config().dIn();
    int dSaeB = saeB.config().dSae();
    long perFeature = 8L * (dIn + dSaeB);
    GenerateRequest req = new GenerateRequest(in.model, in.sae, in.saeB, in.tokens, null, null, "cpu", 5, SEED, null, null);

    Path whole = dir.resolve("whole");
    generation(Correlations.DEFAULT_BUDGET_BYTES).run(req, whole);
    assertEquals(1, Correlations.plan(sae.config().dSae(), dIn, dSaeB, Correlations.DEFAULT_BUDGET_BYTES).sweeps());
    for (int rows : new int[] {1, 3}) {
      Path blocked = dir.resolve("rows-" + rows);
      generation(rows * perFeature + perFeature - 1).run(req, blocked);
      assertEquals((sae.config().dSae() + rows - 1) / rows,
          Correlations.plan(sae.config().dSae(), dIn, dSaeB, rows * perFeature + perFeature - 1).sweeps());
      GenerationDeterminismTest.assertSameTree(whole, blocked);
    }
    // Shards (pass A only) merged with 2 features per sweep: the sweeps read the shards' caches in order.
    Path s0 = dir.resolve("s0");
    Path s1 = dir.resolve("s1");
    generation(Correlations.DEFAULT_BUDGET_BYTES).runShard(req, 1, 2, s1);
    generation(Correlations.DEFAULT_BUDGET_BYTES).runShard(req, 0, 2, s0);
    Path merged = dir.resolve("merged");
    generation(2 * perFeature).merge(List.of(s1, s0), merged);
    GenerationDeterminismTest.assertSameTree(whole, merged);

    Manifest manifest = DataDir.readManifest(whole);
    List<FeatureRecord> records = DataDir.readFeatures(whole, manifest);
    HookPoint hook = HookPoint.parse(HOOK);
    ReferenceAtlas ref = new ReferenceAtlas(in.weights, sae, saeB, in.ids, in.nSeq, in.seqLen, hook, hook.writesResidual());
    GenerateSettings set = GenerateSettings.defaults();
    int lists = 0;
    for (FeatureRecord got : records) {
      ReferenceAtlas.Feature want = ref.feature(got.index(), sae, hook, set, SEED);
      String at = "feature " + got.index() + ": ";
      GenerationReferenceTest.units(want.corrUnits(), want.corrPearson(), want.corrCosine(), got.correlatedNeurons(), at + "correlated neurons");
      GenerationReferenceTest.units(want.corrBUnits(), want.corrBPearson(), want.corrBCosine(), got.correlatedFeaturesB(), at + "correlated B");
      if (!got.correlatedNeurons().isEmpty()) lists++;
    }
    assertTrue(lists >= 5, "only " + lists + " features with correlated neurons");

    // The tie across the block boundary: features 2 and 3 are the same series, so they get the same lists.
    FeatureRecord f2 = records.get(2);
    FeatureRecord f3 = records.get(3);
    assertTrue(f2.density() > 0, "feature 2 must be alive for the tie to mean something");
    assertEquals(f2.density(), f3.density());
    assertFalse(f2.correlatedNeurons().isEmpty());
    assertEquals(f2.correlatedNeurons(), f3.correlatedNeurons());
    assertEquals(f2.correlatedFeaturesB(), f3.correlatedFeaturesB());
    // B's features 5 and 6 tie at the top of the list; the lower unit comes first.
    List<UnitScore> b = f2.correlatedFeaturesB();
    assertEquals(5, b.get(0).unit());
    assertEquals(6, b.get(1).unit());
    assertEquals(b.get(0).a(), b.get(1).a());
    assertEquals(1.0, b.get(0).a(), 1e-6);
  }

  @Test
  void aBudgetBelowOneFeatureStopsBeforePassAAndWritesNothing() throws Exception {
    TinyInputs in = new TinyInputs(dir, HOOK, Architecture.STANDARD, 4, 16, 32);
    GenerateRequest req = new GenerateRequest(in.model, in.sae, in.saeB, in.tokens, null, null, "cpu", 5, SEED, null, null);
    Path out = dir.resolve("data");
    AtlasException e = assertThrows(AtlasException.class, () -> generation(100).run(req, out));
    assertTrue(e.getMessage().startsWith("the memory budget (100 bytes) is smaller than one feature's correlation sums"), e.getMessage());
    assertTrue(Files.notExists(out));
    try (var s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".data.")), "working directory left behind");
    }
  }
}
