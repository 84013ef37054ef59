package org.featureatlas.generate;

/**
 * The non-zero activations of one batch, in two layouts: by row (position within the batch, then
 * feature ascending) and by feature (feature, then row ascending).
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

  private SparseBatch(int rows, int dSae, int[] rowStart, int[] feature, float[] value) {
    this.rows = rows;
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
