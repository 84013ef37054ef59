package org.featureatlas.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.model.HookPoint;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaeTrainerTest {
  private static final HookPoint HOOK = HookPoint.parse("blocks.0.mlp.hook_post");
  private static final TokenDataset TRAIN = TinyData.sequences(64, 8, 24, 1);
  private static final TokenDataset HELD_OUT = TinyData.sequences(16, 8, 24, 2);
  private static final Gpt2Weights MODEL = InitialWeights.gpt2(TinyData.config(), 3);

  private static SaeTrainingConfig config(long seed) {
    return new SaeTrainingConfig(HOOK, 64, 4, 512, 4, 64, 1e-2, seed);
  }

  @Test
  void sameSeedGivesIdenticalSaeAndAnotherSeedDoesNot() {
    SaeWeights a = SaeTrainer.train(config(5), MODEL, "tiny", TRAIN, false).weights();
    SaeWeights b = SaeTrainer.train(config(5), MODEL, "tiny", TRAIN, false).weights();
    SaeWeights c = SaeTrainer.train(config(6), MODEL, "tiny", TRAIN, false).weights();
    assertArrayEquals(a.wEnc().data(), b.wEnc().data());
    assertArrayEquals(a.wDec().data(), b.wDec().data());
    assertArrayEquals(a.bEnc().data(), b.bEnc().data());
    assertArrayEquals(a.bDec().data(), b.bDec().data());
    assertTrue(!Arrays.equals(a.wEnc().data(), c.wEnc().data()));
  }

  @Test
  void reconstructsHeldOutActivationsAndSavesInSaeLensFormat(@TempDir Path dir) {
    TrainedSae trained = SaeTrainer.train(config(1), MODEL, "tiny", TRAIN, false);
    assertEquals(32, trained.steps()); // 4 epochs x 512 rows / 64
    double firstLoss = trained.curve().get(0).unexplainedVariance();
    double lastLoss = trained.curve().get(trained.curve().size() - 1).unexplainedVariance();
    assertTrue(lastLoss < firstLoss, "training loss must fall: " + trained.curve());
    trained.weights().save(dir);
    SaeWeights loaded = SaeWeights.load(dir);
    assertEquals(Architecture.TOPK, loaded.config().architecture());
    assertEquals("blocks.0.mlp.hook_post", loaded.config().hookName());
    assertEquals(4, loaded.config().k());
    assertEquals(32, loaded.config().dIn());
    for (int f = 0; f < 64; f++) {
      double norm = 0;
      for (int j = 0; j < 32; j++) {
        norm += Math.pow(loaded.wDec().at(f, j), 2);
      }
      assertEquals(1.0, Math.sqrt(norm), 1e-4, "decoder row " + f + " has unit norm");
    }
    try (NDManager m = NDManager.newBaseManager(); Gpt2Model gpt = new Gpt2Model(MODEL, m)) {
      HookActivations acts = HookActivations.collectAll(gpt, HOOK, HELD_OUT, m);
      SaeMetrics metrics = SaeEvaluation.evaluate(loaded, acts, m);
      assertTrue(metrics.fractionVarianceExplained() > 0.5, "FVE " + metrics);
      assertTrue(metrics.meanL0() <= 4.0 && metrics.meanL0() > 0, "L0 " + metrics);
      assertEquals(HELD_OUT.positions(), metrics.positions());
    }
  }
}
