package org.featureatlas.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.model.ForwardOptions;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.model.Gpt2Weights;
import org.junit.jupiter.api.Test;

/**
 * The loss the trainer reports is the loss of the forward pass the atlas generates with: the
 * committed demo model's held-out loss by {@link NextTokenLoss#evaluate}, and the same number
 * computed from {@link Gpt2Model#forward} logits the way the generation stage reads them
 * ({@code -log p(token[q+1])} from the logits at {@code q}), with a float64 log-softmax here.
 */
class OneForwardPassTest {
  private static final Path HOME = Path.of(System.getProperty("atlas.home", "."));
  private static final int SEQUENCES = 24;

  @Test
  void trainerLossEqualsGenerationForwardLoss() {
    TokenDataset all = TokenDataset.fromNpy(HOME.resolve("demo/tokens.npy"));
    TokenDataset data = new TokenDataset(SEQUENCES, all.seqLen(), all.rows(0, SEQUENCES));
    Gpt2Weights weights = Gpt2Weights.load(HOME.resolve("demo/model"));
    try (NDManager m = NDManager.newBaseManager(); Gpt2Model model = new Gpt2Model(weights, m)) {
      double trainer = NextTokenLoss.evaluate(model, data, 7, m);
      double sum = 0;
      long count = 0;
      int vocab = weights.config().vocabSize();
      for (int s = 0; s < SEQUENCES; s++) {
        try (NDManager step = m.newSubManager()) {
          NDArray tokens = step.create(data.rows(s, s + 1), new Shape(1, data.seqLen()));
          float[] logits = model.forward(tokens, ForwardOptions.full()).logits().toFloatArray(); // [1, T, V]
          for (int q = 0; q + 1 < data.seqLen(); q++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
              max = Math.max(max, logits[q * vocab + v]);
            }
            double z = 0;
            for (int v = 0; v < vocab; v++) {
              z += Math.exp(logits[q * vocab + v] - max);
            }
            sum += max + Math.log(z) - logits[q * vocab + data.token(s, q + 1)];
            count++;
          }
        }
      }
      assertEquals(sum / count, trainer, 1e-5);
      assertEquals((long) SEQUENCES * (data.seqLen() - 1), count);
    }
  }
}
