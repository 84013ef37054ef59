package org.featureatlas.generate;

/**
 * The non-zero activations of one batch, in two layouts: by row (position within the batch, then
 * feature ascending) and by feature (feature, then row ascending). Rows may be marked excluded (BOS
 * positions, {@link ExcludedPositions}): they hold no non-zero and count in no position total
 * ({@link #counted}).
 */
final class SparseBatch {
  final int rows;
  final int dSae;
  final int nnz;
  // Row-major layout.
  final int[] rowStart;   // [rows + 1]
  final int[] feature;    // [nnz]
  final float[] value;    // [nnz]
  // Feature-major layout.
  final int[] featureStart;   // [dSae + 1]
  final int[] byFeatureRow;   // [nnz]
  final float[] byFeatureValue;
  /** Which rows are excluded from every statistic, or null when none is. */
  final boolean[] excluded;
  /** The rows that count: {@code rows} less the excluded ones. */
  final int counted;

  private SparseBatch(int rows, int dSae, int[] rowStart, int[] feature, float[] value) {
    this(rows, dSae, rowStart, feature, value, null);
  }

  private SparseBatch(int rows, int dSae, int[] rowStart, int[] feature, float[] value, boolean[] excluded) {
    this.rows = rows;
    this.excluded = excluded;
    int n = rows;
    if (excluded != null) {
      if (excluded.length != rows) throw new IllegalArgumentException(excluded.length + " exclusion flags for " + rows + " rows");
      for (int r = 0; r < rows; r++) {
        if (!excluded[r]) continue;
        n--;
        if (rowStart[r + 1] != rowStart[r]) throw new IllegalArgumentException("excluded row " + r + " holds non-zeros");
      }
    }
    this.counted = n;
    this.dSae = dSae;
    this.rowStart = rowStart;
    this.feature = feature;
    this.value = value;
    this.nnz = rowStart[rows];
    featureStart = new int[dSae + 1];
    for (int e = 0; e < nnz; e++) featureStart[feature[e] + 1]++;
    for (int i = 0; i < dSae; i++) featureStart[i + 1] += featureStart[i];
    byFeatureRow = new int[nnz];
    byFeatureValue = new float[nnz];
    int[] fill = featureStart.clone();
    for (int r = 0; r < rows; r++) {
      for (int e = rowStart[r]; e < rowStart[r + 1]; e++) {
        int at = fill[feature[e]]++;
        byFeatureRow[at] = r;
        byFeatureValue[at] = value[e];
      }
    }
  }

  /** Extracts the positive entries of a dense row-major [rows, dSae] activation matrix. */
  static SparseBatch fromDense(float[] dense, int rows, int dSae) {
    int nnz = 0;
    for (float v : dense) if (v > 0f) nnz++;
    int[] rowStart = new int[rows + 1];
    int[] feature = new int[nnz];
    float[] value = new float[nnz];
    int e = 0;
    for (int r = 0; r < rows; r++) {
      int base = r * dSae;
      for (int i = 0; i < dSae; i++) {
        float v = dense[base + i];
        if (v > 0f) {
          feature[e] = i;
          value[e] = v;
          e++;
        }
      }
      rowStart[r + 1] = e;
    }
    return new SparseBatch(rows, dSae, rowStart, feature, value);
  }

  /** Builds from row-major entries (rows ascending, features ascending within a row). */
  static SparseBatch fromRows(int rows, int dSae, int[] rowStart, int[] feature, float[] value) {
    return new SparseBatch(rows, dSae, rowStart, feature, value);
  }

  /**
   * This batch with the rows flagged in {@code exclude} emptied and marked excluded; {@code this} when
   * {@code exclude} is null (nothing excluded).
   */
  SparseBatch excluding(boolean[] exclude) {
    if (exclude == null) return this;
    if (exclude.length != rows) throw new IllegalArgumentException(exclude.length + " exclusion flags for " + rows + " rows");
    int[] start = new int[rows + 1];
    int kept = 0;
    for (int r = 0; r < rows; r++) {
      if (!exclude[r]) kept += rowStart[r + 1] - rowStart[r];
      start[r + 1] = kept;
    }
    int[] feat = new int[kept];
    float[] val = new float[kept];
    for (int r = 0; r < rows; r++) {
      if (exclude[r]) continue;
      int n = rowStart[r + 1] - rowStart[r];
      System.arraycopy(feature, rowStart[r], feat, start[r], n);
      System.arraycopy(value, rowStart[r], val, start[r], n);
    }
    return new SparseBatch(rows, dSae, start, feat, val, exclude.clone());
  }

  /** Whether row {@code r} is excluded. */
  boolean excluded(int r) {
    return excluded != null && excluded[r];
  }

  /** f of feature {@code i} at batch row {@code r}, 0 when inactive (binary search in the row). */
  float get(int r, int i) {
    int lo = rowStart[r];
    int hi = rowStart[r + 1] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int f = feature[mid];
      if (f < i) lo = mid + 1;
      else if (f > i) hi = mid - 1;
      else return value[mid];
    }
    return 0f;
  }
}
