package org.featureatlas.generate;

import java.util.ArrayList;
import java.util.List;
import org.featureatlas.data.TokenValue;
import org.featureatlas.data.UnitScore;
import org.featureatlas.io.HostTensor;

/**
 * Weights only: each decoder row's {@code n} largest entries (ties by lower unit), each with its share of
 * the row's L1 norm. Gives the record its neuron alignment.
 */
final class NeuronAlignment implements RecordPart {
  private final HostTensor wDec;
  private final int n;

  NeuronAlignment(HostTensor wDec, int n) {
    this.wDec = wDec;
    this.n = n;
  }

  @Override
  public void contribute(int i, RecordFields record) {
    record.neuronAlignment(of(wDec, i, n));
  }

  /** The {@code n} largest entries of decoder row i, ties by lower unit, with their share of the row's L1 norm. */
  static List<UnitScore> of(HostTensor wDec, int i, int n) {
    int dIn = wDec.cols();
    double[] row = new double[dIn];
    double l1 = 0;
    for (int j = 0; j < dIn; j++) {
      row[j] = wDec.data()[i * dIn + j];
      l1 += Math.abs(row[j]);
    }
    List<UnitScore> out = new ArrayList<>();
    for (TokenValue tv : LogitEffects.extreme(row, n, true)) {
      out.add(new UnitScore(tv.token(), tv.value(), l1 == 0 ? 0.0 : Math.abs(tv.value()) / l1));
    }
    return out;
  }
}
