package org.featureatlas.train;

import java.util.List;
import org.featureatlas.check.Check;
import org.featureatlas.dataset.TokenDataset;

/** Cuts tokenized documents into training sequences. */
public final class Sequences {
  private Sequences() {}

  /**
   * Concatenates the documents in order, each followed by {@code separator}, and cuts the stream
   * into consecutive non-overlapping sequences of {@code length}; the remainder is dropped.
   */
  public static TokenDataset cut(List<int[]> documents, int separator, int length) {
    Check.positive(length, "sequence length");
    long total = 0;
    for (int[] d : documents) {
      total += d.length + 1;
    }
    int count = Math.toIntExact(total / length);
    int[] ids = new int[Math.multiplyExact(count, length)];
    int at = 0;
    for (int[] d : documents) {
      for (int i = 0; i <= d.length && at < ids.length; i++) {
        ids[at++] = i < d.length ? d[i] : separator;
      }
    }
    return new TokenDataset(count, length, ids);
  }
}
