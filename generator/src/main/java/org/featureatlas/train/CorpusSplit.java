package org.featureatlas.train;

import java.util.ArrayList;
import java.util.List;
import org.featureatlas.check.Check;
import org.featureatlas.corpus.SotuAddress;

/**
 * Addresses split into training and held-out sets: in corpus order, every {@code every}-th
 * address (the {@code every}-th, the {@code 2*every}-th, ...) is held out, so the held-out set
 * spans the whole history instead of only its most recent style.
 */
public record CorpusSplit(List<SotuAddress> train, List<SotuAddress> heldOut) {
  public CorpusSplit {
    train = List.copyOf(train);
    heldOut = List.copyOf(heldOut);
  }

  public static CorpusSplit everyNth(List<SotuAddress> addresses, int every) {
    Check.that(every >= 2, "held-out interval must be at least 2, got " + every);
    List<SotuAddress> train = new ArrayList<>();
    List<SotuAddress> heldOut = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      ((i + 1) % every == 0 ? heldOut : train).add(addresses.get(i));
    }
    Check.that(!heldOut.isEmpty(), "no held-out address: " + addresses.size() + " addresses, one in " + every + " held out");
    return new CorpusSplit(train, heldOut);
  }
}
