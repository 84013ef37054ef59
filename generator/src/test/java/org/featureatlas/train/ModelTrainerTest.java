package org.featureatlas.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.io.HostTensor;
import org.featureatlas.model.Gpt2Config;
import org.junit.jupiter.api.Test;

class ModelTrainerTest {
  private static final Gpt2Config MODEL = TinyData.config();
  private static final TokenDataset TRAIN = TinyData.sequences(64, 8, 24, 1);
  private static final TokenDataset HELD_OUT = TinyData.sequences(16, 8, 24, 2);

  private static ModelTrainingConfig config(int steps, long seed) {
    return new ModelTrainingConfig(MODEL, steps, 8, 1e-2, 5, 0.1, 0.01, seed, 10, 16);
  }

  @Test
  void sameSeedGivesIdenticalWeightsAndAnotherSeedDoesNot() {
    TrainedModel a = ModelTrainer.train(config(12, 7), TRAIN, HELD_OUT, false);
    TrainedModel b = ModelTrainer.train(config(12, 7), TRAIN, HELD_OUT, false);
    TrainedModel c = ModelTrainer.train(config(12, 8), TRAIN, HELD_OUT, false);
    assertEquals(a.weights().all().keySet(), b.weights().all().keySet());
    boolean differs = false;
    for (String name : a.weights().all().keySet()) {
      HostTensor ta = a.weights().get(name);
      assertArrayEquals(ta.data(), b.weights().get(name).data(), name);
      differs |= !Arrays.equals(ta.data(), c.weights().get(name).data());
    }
    assertTrue(differs, "a different seed must give different weights");
    assertEquals(a.curve(), b.curve());
  }

  @Test
  void learnsTheSuccessorRuleWellBelowTheUnigramBaseline() {
    double unigram = UnigramBaseline.of(TRAIN, HELD_OUT, MODEL.vocabSize()).heldOutCrossEntropy();
    TrainedModel m = ModelTrainer.train(config(150, 1), TRAIN, HELD_OUT, false);
    double first = m.curve().get(0).heldOutLoss();
    double last = m.curve().get(m.curve().size() - 1).heldOutLoss();
    assertTrue(first > last, "held-out loss must fall: " + m.curve());
    // The rule leaves about 0.1 * ln(24) + H(0.9) ~ 0.65 nats; the unigram baseline is ~3.1.
    assertTrue(last < unigram - 1.5, "held-out loss " + last + " vs unigram " + unigram);
    assertEquals(150L * 8 * 8, m.tokensSeen());
    assertFalse(m.curve().isEmpty());
  }
}
