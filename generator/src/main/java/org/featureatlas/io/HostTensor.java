package org.featureatlas.io;

import java.util.Arrays;
import org.featureatlas.check.AtlasException;

/**
 * A row-major float tensor on the Java heap.
 *
 * @param shape dimensions, outermost first
 * @param data the values, {@code product(shape)} of them
 */
public record HostTensor(long[] shape, float[] data) {

  public HostTensor {
    long n = elementCount(shape);
    if (n != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
          + " values, data has " + data.length);
    }
  }

  /** A tensor of {@code shape} over {@code data}; the size must match. */
  public static HostTensor of(float[] data, long... shape) {
    return new HostTensor(shape.clone(), data);
  }

  /** Number of values a tensor of {@code shape} holds. */
  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new AtlasException("negative dimension in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  public int rank() {
    return shape.length;
  }

  /** Rows of a 2-D tensor. */
  public int rows() {
    require2d();
    return Math.toIntExact(shape[0]);
  }

  /** Columns of a 2-D tensor. */
  public int cols() {
    require2d();
    return Math.toIntExact(shape[1]);
  }

  /** Value at {@code (r, c)} of a 2-D tensor. */
  public float at(int r, int c) {
    return data[r * cols() + c];
  }

  private void require2d() {
    if (shape.length != 2) {
      throw new IllegalStateException("not a 2-D tensor: shape " + Arrays.toString(shape));
    }
  }

  /** Whether {@code shape} equals {@code expected}. */
  public boolean hasShape(long... expected) {
    return Arrays.equals(shape, expected);
  }

  @Override
  public String toString() {
    return "HostTensor" + Arrays.toString(shape);
  }
}
