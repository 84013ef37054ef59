package org.featureatlas.generate;

import org.featureatlas.dataset.TokenDataset;

/**
 * The dataset positions left out of every statistic and example: the BOS positions. A BOS position is
 * any position whose token is the id the model's tokenizer defines as BOS ({@code AtlasTokenizer#bosId}:
 * {@code tokenizer_config.json}'s {@code bos_token} when {@code add_bos_token} is true, else the first
 * special token of the post-processor's template), wherever it stands in a sequence, for {@code .npy}
 * input as well as text. Without such a tokenizer, or with {@code --keep-bos}, no position is excluded.
 *
 * <p>Excluded positions count in no position total (density, interval fractions, the correlations' N),
 * are never examples or interval members, add nothing to a correlation sum, and are never ablated; a
 * window around another position still shows their token, with activation 0.
 */
final class ExcludedPositions {
  private final int[] ids;
  private final int seqLen;
  private final int bos;

  private ExcludedPositions(int[] ids, int seqLen, int bos) {
    this.ids = ids;
    this.seqLen = seqLen;
    this.bos = bos;
  }

  /** Nothing excluded. */
  static ExcludedPositions none() {
    return new ExcludedPositions(null, 0, -1);
  }

  /** The positions of {@code data} holding {@code bosId} when {@code exclude}; none when {@code bosId < 0}. */
  static ExcludedPositions bos(TokenDataset data, int bosId, boolean exclude) {
    return exclude && bosId >= 0 ? new ExcludedPositions(data.ids(), data.seqLen(), bosId) : none();
  }

  /** Whether any position may be excluded (a BOS token is defined and exclusion is on). */
  boolean active() {
    return ids != null;
  }

  /** Whether dataset position {@code pos} ({@code s * T + t}) is excluded. */
  boolean excluded(long pos) {
    return ids != null && ids[(int) pos] == bos;
  }

  /** The excluded flags of rows {@code firstPosition .. firstPosition + rows - 1}, or null when none is. */
  boolean[] rows(long firstPosition, int rows) {
    if (ids == null) return null;
    boolean[] out = null;
    for (int r = 0; r < rows; r++) {
      if (ids[(int) (firstPosition + r)] == bos) {
        if (out == null) out = new boolean[rows];
        out[r] = true;
      }
    }
    return out;
  }

  /** {@code f}, whose row {@code r} is position {@code firstPosition + r}, with its excluded rows emptied and marked. */
  SparseBatch apply(SparseBatch f, long firstPosition) {
    return f == null ? null : f.excluding(rows(firstPosition, f.rows));
  }

  /** A cache block's activations ({@code f} or {@code f^B}) with the block's excluded rows marked. */
  SparseBatch apply(SparseBatch f, ActivationCache.Block block) {
    return apply(f, (long) block.firstSequence() * seqLen);
  }

  /** The number of excluded positions in the whole dataset. */
  long count() {
    if (ids == null) return 0;
    long n = 0;
    for (int id : ids) if (id == bos) n++;
    return n;
  }
}
