package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.model.HookPoint;
import org.featureatlas.reference.ReferenceGpt2;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.sae.SaeWeights;
import org.featureatlas.tokenize.AtlasTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The prompt view's model run on the demo checkpoint against an independent float64 computation (the reference
 * GPT-2 and SAE encoder of the generation tests): the tokens, each token's top features and the chosen feature's
 * activations; also in small chunks, and a text longer than the context is refused.
 */
class PromptModelTest {
  static final Path HOME = RenderOptions.atlasHome();
  static final String TEXT = "The Congress of the United States shall have power to lay and collect taxes, and to provide"
      + " for the common defence and general welfare of the people.";
  static PromptModel model;
  static double[][] reference; // [tokens][dSae]
  static int[] ids;

  @BeforeAll
  static void load() {
    model = PromptModel.load(HOME.resolve("demo/model"), HOME.resolve("demo/sae"), null, false, "cpu");
    try (AtlasTokenizer tok = AtlasTokenizer.load(HOME.resolve("demo/model/tokenizer.json"))) {
      ids = tok.encode(TEXT);
      assertEquals(-1, tok.bosId(), "the demo's GPT-2 tokenizer has no BOS");
    }
    Gpt2Weights w = Gpt2Weights.load(HOME.resolve("demo/model"));
    SaeWeights sae = SaeWeights.load(HOME.resolve("demo/sae"));
    double[][] x = ReferenceGpt2.forward(w, ids).hook(HookPoint.parse(sae.config().hookName()));
    reference = ReferenceAtlas.encode(sae, x); // the demo SAE reads an MLP hook: no centring
  }

  @AfterAll
  static void close() {
    model.close();
  }

  static double tolerance(double v) {
    return 2e-3 * Math.max(1, Math.abs(v));
  }

  @Test
  void tokensTopFeaturesAndActivationsMatchTheFloat64Reference() {
    PromptModel.Result r = model.run(TEXT, 5, -1);
    assertArrayEquals(ids, r.ids());
    int n = ids.length;
    for (int t = 0; t < n; t++) {
      double[] row = reference[t];
      List<Integer> want = IntStream.range(0, row.length).filter(i -> row[i] > 0).boxed()
          .sorted(Comparator.comparingDouble((Integer i) -> -row[i]).thenComparingInt(i -> i)).limit(5).toList();
      List<PromptModel.Activation> got = r.top().get(t);
      assertEquals(want.size(), got.size(), "active features listed at token " + t);
      for (int k = 0; k < got.size(); k++) {
        int f = got.get(k).feature();
        assertEquals(row[f], got.get(k).act(), tolerance(row[f]), "token " + t + ", entry " + k + " (feature " + f + ")");
        // The same feature as the reference, unless the two are within float32 noise of each other.
        if (f != want.get(k)) {
          assertEquals(row[want.get(k)], row[f], tolerance(row[f]), "token " + t + ", entry " + k);
        }
      }
    }
    // The chosen feature: the largest activation anywhere in the text.
    double most = 0;
    int chosen = -1;
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < reference[t].length; i++) {
        if (reference[t][i] > most) {
          most = reference[t][i];
          chosen = i;
        }
      }
    }
    assertTrue(chosen >= 0);
    assertEquals(chosen, r.feature());
    for (int t = 0; t < n; t++) assertEquals(reference[t][chosen], r.acts()[t], tolerance(reference[t][chosen]), "token " + t);
  }

  @Test
  void aChosenFeatureInSmallChunksGivesTheSameNumbers() {
    int feature = model.run(TEXT, 5, -1).top().get(3).get(0).feature();
    PromptModel.Result whole = model.run(TEXT, 5, feature);
    PromptModel.Result chunks = model.run(TEXT, 5, feature, 3L * model.dSae());
    assertEquals(feature, whole.feature());
    // The encoder's product over fewer rows may round differently in the last bit; nothing more.
    for (int t = 0; t < ids.length; t++) {
      assertEquals(whole.acts()[t], chunks.acts()[t], 1e-5 * Math.max(1, Math.abs(whole.acts()[t])), "token " + t);
      assertEquals(whole.top().get(t).size(), chunks.top().get(t).size(), "token " + t);
      for (int k = 0; k < whole.top().get(t).size(); k++) {
        assertEquals(whole.top().get(t).get(k).act(), chunks.top().get(t).get(k).act(), 1e-5 * Math.max(1, whole.top().get(t).get(k).act()));
      }
    }
    for (int t = 0; t < ids.length; t++) assertEquals(reference[t][feature], whole.acts()[t], tolerance(reference[t][feature]));
  }

  /**
   * A tokenizer with BOS ("!"), a residual-stream hook of a LayerNorm model (centred): the text starts with BOS, whose
   * activations are left out (0, no features) unless kept, and the rest equals the float64 reference.
   */
  @Test
  void bosIsPrependedAndLeftOutUnlessKeptAndCentringFollowsTheRule(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    TinyInputs in = new TinyInputs(dir, "blocks.0.hook_resid_post", org.featureatlas.sae.Architecture.STANDARD, 2, 16, 3);
    org.featureatlas.tokenize.TinyBpe.write(in.model.resolve("tokenizer.json"));
    java.nio.file.Files.writeString(in.model.resolve(AtlasTokenizer.CONFIG_FILE), "{\"add_bos_token\": true, \"bos_token\": \"!\"}");
    String text = "#$%&'()*+,-./0";
    int[] textIds;
    try (AtlasTokenizer tok = AtlasTokenizer.load(in.model.resolve("tokenizer.json"))) {
      textIds = tok.encode(text);
      assertEquals(33, tok.bosId());
    }
    int[] all = new int[textIds.length + 1];
    all[0] = 33;
    System.arraycopy(textIds, 0, all, 1, textIds.length);
    SaeWeights sae = SaeWeights.load(in.sae);
    HookPoint hook = HookPoint.parse(sae.config().hookName());
    double[][] x = ReferenceGpt2.forward(in.weights, all).hook(hook);
    boolean centre = AtlasInputs.centres(null, sae.config(), hook, in.weights.config());
    if (centre) {
      for (double[] row : x) {
        double mean = java.util.Arrays.stream(row).average().orElse(0);
        for (int j = 0; j < row.length; j++) row[j] -= mean;
      }
    }
    double[][] ref = ReferenceAtlas.encode(sae, x);
    for (boolean keep : new boolean[] {false, true}) {
      try (PromptModel m = PromptModel.load(in.model, in.sae, null, keep, "cpu")) {
        PromptModel.Result r = m.run(text, 5, 0);
        assertArrayEquals(all, r.ids());
        assertTrue(r.bos()[0]);
        for (int t = 0; t < all.length; t++) {
          double want = !keep && t == 0 ? 0 : ref[t][0];
          assertEquals(want, r.acts()[t], tolerance(want), "keep " + keep + ", token " + t);
          long active = java.util.Arrays.stream(ref[t]).filter(v -> v > 0).count();
          assertEquals(!keep && t == 0 ? 0 : Math.min(5, active), r.top().get(t).size(), "keep " + keep + ", token " + t);
        }
      }
    }
  }

  @Test
  void aTextLongerThanTheContextIsRefused() {
    PromptModel.TooLong e = assertThrows(PromptModel.TooLong.class, () -> model.run(TEXT.repeat(8), 5, -1));
    assertTrue(e.getMessage().contains("more than the model's context of 128"), e.getMessage());
  }
}
