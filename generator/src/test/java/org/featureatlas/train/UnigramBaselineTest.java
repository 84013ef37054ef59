package org.featureatlas.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.featureatlas.dataset.TokenDataset;
import org.junit.jupiter.api.Test;

class UnigramBaselineTest {
  @Test
  void entropyAndSmoothedCrossEntropyOverPredictedPositions() {
    TokenDataset train = new TokenDataset(2, 3, new int[] {3, 1, 1, 3, 2, 1});
    TokenDataset heldOut = new TokenDataset(1, 3, new int[] {0, 1, 3});
    UnigramBaseline u = UnigramBaseline.of(train, heldOut, 4);
    // Training predicted tokens: 1, 1, 2, 1 (the first positions are not predicted) -> p(1)=3/4, p(2)=1/4.
    double entropy = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    assertEquals(entropy, u.trainEntropy(), 1e-12);
    // Held-out predicted tokens: 1 and 3. Add-one over 4 tokens: (3+1)/(4+4) and (0+1)/(4+4).
    double cross = -(Math.log(4.0 / 8) + Math.log(1.0 / 8)) / 2;
    assertEquals(cross, u.heldOutCrossEntropy(), 1e-12);
  }
}
