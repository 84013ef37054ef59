package org.featureatlas.io;

/**
 * A 2-D integer array read from a {@code .npy} file, row-major.
 *
 * @param rows first dimension
 * @param cols second dimension
 * @param data {@code rows * cols} values
 */
public record NpyInts(int rows, int cols, int[] data) {
  public NpyInts {
    if (rows < 0 || cols < 0 || (long) rows * cols != data.length) {
      throw new IllegalArgumentException(rows + "x" + cols + " != " + data.length);
    }
  }
}
