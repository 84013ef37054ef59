package org.featureatlas.generate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.featureatlas.check.Check;
import org.featureatlas.data.Histogram;

/**
 * Pass B: each feature's histogram of its active values, {@code nBins} equal-width {@link Bins} over its
 * [min, max] from pass A. Dead features get an empty histogram.
 */
final class ActivationHistogram implements Statistic {
  final int dSae;
  final int nBins;
  private final Bins[] bins; // null for dead features
  private final long[] counts; // [dSae * nBins]

  ActivationHistogram(FeatureMoments moments, int nBins) {
    dSae = moments.dSae;
    this.nBins = nBins;
    Check.that((long) dSae * nBins <= Integer.MAX_VALUE - 8, "d_sae x n_bins (" + dSae + " x " + nBins + ") is larger than one array holds");
    bins = new Bins[dSae];
    for (int i = 0; i < dSae; i++) {
      if (moments.alive(i)) bins[i] = new Bins(nBins, moments.minActive(i), moments.max(i));
    }
    counts = new long[dSae * nBins];
  }

  @Override
  public void add(SparseBatch f, long firstPosition) {
    for (int e = 0; e < f.nnz; e++) {
      int i = f.feature[e];
      counts[i * nBins + bins[i].bin(f.value[e])]++;
    }
  }

  @Override
  public void merge(Statistic other) {
    ActivationHistogram o = Statistic.same(ActivationHistogram.class, other);
    if (o.dSae != dSae || o.nBins != nBins) throw new IllegalArgumentException("histograms of different sizes");
    for (int c = 0; c < counts.length; c++) counts[c] += o.counts[c];
  }

  @Override
  public void contribute(int i, RecordFields record) {
    if (bins[i] == null) {
      record.actHistogram(Histogram.empty());
      return;
    }
    long[] c = new long[nBins];
    System.arraycopy(counts, i * nBins, c, 0, nBins);
    record.actHistogram(bins[i].histogram(c));
  }

  @Override
  public void write(DataOutputStream out) throws IOException {
    out.writeInt(dSae);
    out.writeInt(nBins);
    StateIO.writeLongs(out, counts);
  }

  @Override
  public void read(DataInputStream in) throws IOException {
    StateIO.size(in, "d_sae", dSae);
    StateIO.size(in, "n_bins", nBins);
    StateIO.readLongs(in, counts);
  }
}
