package org.featureatlas.generate;

import org.featureatlas.io.HostTensor;

/**
 * Weights only: each decoder row's {@code n} largest entries, ties by lower unit, with their share of the
 * row's L1 norm ({@link LogitEffects#alignment}). Gives the record its neuron alignment.
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
    record.neuronAlignment(LogitEffects.alignment(wDec, i, n));
  }
}
