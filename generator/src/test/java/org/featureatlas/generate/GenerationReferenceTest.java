package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.featureatlas.cli.Atlas;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Interval;
import org.featureatlas.data.Manifest;
import org.featureatlas.data.TokenValue;
import org.featureatlas.data.UnitScore;
import org.featureatlas.model.HookPoint;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every field of every feature record, against {@link ReferenceAtlas}'s float64 computation. Tolerances:
 * stored values carry 6 significant digits and the pipeline runs in float32, so values are compared with
 * {@code |a - b| <= ABS + REL * |b|}; counts, token ids, units and positions must match exactly.
 */
class GenerationReferenceTest {
  static final double ABS = 2e-4;
  static final double REL = 2e-4;
  static final long SEED = 11;

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "blocks.1.mlp.hook_post, STANDARD",
      "blocks.0.hook_resid_post, JUMPRELU",
      "blocks.1.hook_resid_post, STANDARD",
      "blocks.0.mlp.hook_post, TOPK",
  })
  void everyFieldMatchesTheReference(String hookName, Architecture arch) throws Exception {
    TinyInputs in = new TinyInputs(dir, hookName, arch, 12, 16, 5);
    Path out = dir.resolve("data");
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(System.out, true), new PrintWriter(err, true), "generate",
        "--model", in.model.toString(), "--sae", in.sae.toString(), "--sae-b", in.saeB.toString(),
        "--tokens", in.tokens.toString(), "--out", out.toString(), "--batch-size", "5", "--seed", Long.toString(SEED));
    assertEquals(0, rc, err.toString());
    assertMatchesReference(in, out, hookName, SEED);
  }

  /** Compares every field of the data directory {@code out}, generated from {@code in}, with the float64 reference. */
  static void assertMatchesReference(TinyInputs in, Path out, String hookName, long seed) throws Exception {
    Manifest manifest = DataDir.readManifest(out);
    List<FeatureRecord> records = DataDir.readFeatures(out, manifest);
    HookPoint hook = HookPoint.parse(hookName);
    SaeWeights sae = SaeWeights.load(in.sae);
    SaeWeights saeB = SaeWeights.load(in.saeB);
    boolean centre = hook.writesResidual();
    assertEquals(centre, manifest.settings().get("center_writing_weights"));
    ReferenceAtlas ref = new ReferenceAtlas(in.weights, sae, saeB, in.ids, in.nSeq, in.seqLen, hook, centre);
    assertMatchesReference(ref, sae, records, hook, seed);
  }

  /** Compares every feature record with {@code ref}'s float64 values. */
  static void assertMatchesReference(ReferenceAtlas ref, SaeWeights sae, List<FeatureRecord> records, HookPoint hook,
      long seed) {
    GenerateSettings set = GenerateSettings.defaults();
    int alive = 0;
    int examples = 0;
    for (FeatureRecord got : records) {
      ReferenceAtlas.Feature want = ref.feature(got.index(), sae, hook, set, seed);
      String at = "feature " + got.index() + ": ";
      assertEquals(want.density(), got.density(), 1e-6, at + "density");
      close(want.maxAct(), got.maxAct(), at + "max");
      close(want.meanAct(), got.meanAct(), at + "mean");
      assertArrayEquals(want.histCounts(), got.actHistogram().counts().stream().mapToLong(Long::longValue).toArray(), at + "histogram");
      closeAll(want.histEdges(), got.actHistogram().edges(), at + "histogram edges");
      assertArrayEquals(want.topLogitIds(), got.logits().top().stream().mapToInt(TokenValue::token).toArray(), at + "top logits");
      closeAll(want.topLogits(), got.logits().top().stream().map(TokenValue::value).toList(), at + "top logits");
      assertArrayEquals(want.bottomLogitIds(), got.logits().bottom().stream().mapToInt(TokenValue::token).toArray(), at + "bottom logits");
      closeAll(want.bottomLogits(), got.logits().bottom().stream().map(TokenValue::value).toList(), at + "bottom logits");
      assertArrayEquals(want.logitHistCounts(), got.logits().histogram().counts().stream().mapToLong(Long::longValue).toArray(), at + "logit histogram");
      closeAll(want.logitHistEdges(), got.logits().histogram().edges(), at + "logit histogram edges");
      units(want.alignUnits(), want.alignValues(), want.alignFractions(), got.neuronAlignment(), at + "alignment");
      units(want.corrUnits(), want.corrPearson(), want.corrCosine(), got.correlatedNeurons(), at + "correlated neurons");
      units(want.corrBUnits(), want.corrBPearson(), want.corrBCosine(), got.correlatedFeaturesB(), at + "correlated B");
      assertEquals(want.top().size(), got.topExamples().size(), at + "top examples");
      for (int r = 0; r < want.top().size(); r++) window(want.top().get(r), got.topExamples().get(r), at + "top " + r);
      assertEquals(want.intervals().size(), got.intervals().size(), at + "intervals");
      for (int j = 0; j < want.intervals().size(); j++) {
        ReferenceAtlas.IntervalRef wi = want.intervals().get(j);
        Interval gi = got.intervals().get(j);
        close(wi.lo(), gi.lo(), at + "interval lo " + j);
        close(wi.hi(), gi.hi(), at + "interval hi " + j);
        assertEquals(wi.fraction(), gi.fraction(), 1e-6, at + "interval fraction " + j);
        assertEquals(wi.examples().size(), gi.examples().size(), at + "interval examples " + j);
        for (int r = 0; r < wi.examples().size(); r++) window(wi.examples().get(r), gi.examples().get(r), at + "interval " + j + " example " + r);
        examples += wi.examples().size();
      }
      if (got.density() > 0) alive++;
      examples += want.top().size();
    }
    // The fixture must exercise the code: several live features with many examples.
    assertTrue(alive >= 5, "only " + alive + " live features");
    assertTrue(examples >= 50, "only " + examples + " examples compared");
  }

  static void window(ReferenceAtlas.Window want, Example got, String at) {
    assertEquals(want.seq(), got.seq(), at + " seq");
    assertEquals(want.pos(), got.pos(), at + " pos");
    assertEquals(want.start(), got.start(), at + " start");
    close(want.act(), got.act(), at + " act");
    assertArrayEquals(want.tokens(), got.tokens().stream().mapToInt(Integer::intValue).toArray(), at + " tokens");
    closeAll(want.acts(), got.acts(), at + " acts");
    for (int q = 0; q < want.tokens().length; q++) {
      String atq = at + " token " + q;
      if (want.lossEffect()[q] == null) {
        assertNull(got.lossEffect().get(q), atq + " loss effect");
      } else {
        assertNotNull(got.lossEffect().get(q), atq + " loss effect");
        close(want.lossEffect()[q], got.lossEffect().get(q), atq + " loss effect");
      }
      hover(want.topIds()[q], want.topVals()[q], got.topLogprob().get(q), atq + " top logprob");
      hover(want.bottomIds()[q], want.bottomVals()[q], got.bottomLogprob().get(q), atq + " bottom logprob");
    }
  }

  static void hover(int[] ids, double[] vals, List<TokenValue> got, String at) {
    assertEquals(ids.length, got.size(), at);
    for (int r = 0; r < ids.length; r++) {
      close(vals[r], got.get(r).value(), at + " value " + r);
      // Ids must agree unless the reference itself has a near-tie at this rank.
      if (ids[r] != got.get(r).token()) {
        boolean nearTie = (r > 0 && Math.abs(vals[r] - vals[r - 1]) < 1e-4) || (r + 1 < vals.length && Math.abs(vals[r] - vals[r + 1]) < 1e-4);
        if (!nearTie) fail(at + " token " + r + ": expected " + ids[r] + " got " + got.get(r).token());
      }
    }
  }

  static void units(int[] ids, double[] a, double[] b, List<UnitScore> got, String at) {
    if (ids == null) {
      assertNull(got, at);
      return;
    }
    assertEquals(ids.length, got.size(), at + " size");
    for (int r = 0; r < ids.length; r++) {
      close(a[r], got.get(r).a(), at + " first value " + r);
      // A different unit is only acceptable as an exact tie (e.g. two units active on the same single token).
      if (ids[r] != got.get(r).unit() && Math.abs(a[r] - got.get(r).a()) > 1e-6) {
        fail(at + " unit " + r + ": expected " + ids[r] + " got " + got.get(r).unit());
      }
      close(b[r], got.get(r).b(), at + " second value " + r);
    }
  }

  static void closeAll(double[] want, List<Double> got, String at) {
    assertEquals(want.length, got.size(), at + " length");
    for (int k = 0; k < want.length; k++) close(want[k], got.get(k), at + " [" + k + "]");
  }

  static void close(double want, double got, String at) {
    assertTrue(Double.isFinite(got), at + ": not finite");
    assertTrue(Math.abs(want - got) <= ABS + REL * Math.abs(want), at + ": expected " + want + " got " + got);
  }
}
