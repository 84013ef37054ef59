package org.featureatlas.generate;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.IoErrors;

/**
 * What pass A keeps of each batch for the later steps, so they never run the model or the encoder
 * again: the non-zero feature activations, the hook activations x (as the encoder saw them, after
 * centring), encoder B's non-zeros and the final residual stream (before ln_f). One block per batch:
 * {@code batch, firstSequence, rows, nnz, dModel, dIn, nnzB (-1 without encoder B), rowStart[rows+1],
 * feature[nnz], value[nnz], x[rows*dIn], rowStartB[rows+1], featureB[nnzB], valueB[nnzB],
 * resid[rows*dModel]}, big-endian. Size is 8 bytes per non-zero (of both encoders) plus
 * {@code 4 * (d_in + d_model)} per position; it lives in a temporary or shard directory, never in the data
 * directory, and is read back one batch at a time. A reader decodes only what its step needs and skips the
 * rest: the intervals and windows read f and the residual stream (the windows also x, before a post-norm), the
 * correlation sweeps f, x and f^B.
 */
final class ActivationCache {
  private ActivationCache() {}

  /**
   * One batch; rows are positions {@code firstSequence * T + r}. Parts a reader skipped are null.
   *
   * @param resid the final residual stream, {@code [rows, dModel]} row-major
   * @param x the hook activations, {@code [rows, dIn]} row-major
   * @param activationsB encoder B's non-zeros (null without encoder B)
   */
  record Block(int batch, int firstSequence, SparseBatch activations, int dModel, float[] resid, int dIn, float[] x,
      SparseBatch activationsB) {}

  static final class Writer implements AutoCloseable {
    private final Path file;
    private final DataOutputStream out;

    Writer(Path file) {
      this.file = file;
      try {
        out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20));
      } catch (IOException e) {
        throw IoErrors.writing(file, e);
      }
    }

    /** Appends one batch; {@code fB} is null without encoder B. */
    void write(int batch, int firstSequence, SparseBatch f, int dModel, float[] resid, int dIn, float[] x, SparseBatch fB) {
      if (resid.length != (long) f.rows * dModel) {
        throw new IllegalArgumentException("residual has " + resid.length + " values, expected " + f.rows + " x " + dModel);
      }
      if (x.length != (long) f.rows * dIn) {
        throw new IllegalArgumentException("activations have " + x.length + " values, expected " + f.rows + " x " + dIn);
      }
      if (fB != null && fB.rows != f.rows) throw new IllegalArgumentException("encoder B's batch has other rows");
      try {
        ByteBuffer head = ByteBuffer.allocate(4 * 7);
        head.putInt(batch).putInt(firstSequence).putInt(f.rows).putInt(f.nnz).putInt(dModel).putInt(dIn)
            .putInt(fB == null ? -1 : fB.nnz);
        out.write(head.array());
        writeSparse(f);
        writeFloats(x, x.length);
        if (fB != null) writeSparse(fB);
        writeFloats(resid, resid.length);
      } catch (IOException e) {
        throw IoErrors.writing(file, e);
      }
    }

    private void writeSparse(SparseBatch s) throws IOException {
      writeInts(s.rowStart, s.rows + 1);
      writeInts(s.feature, s.nnz);
      writeFloats(s.value, s.nnz);
    }

    private void writeInts(int[] a, int n) throws IOException {
      ByteBuffer buf = ByteBuffer.allocate(4 * n);
      buf.asIntBuffer().put(a, 0, n);
      out.write(buf.array());
    }

    private void writeFloats(float[] a, int n) throws IOException {
      ByteBuffer buf = ByteBuffer.allocate(4 * n);
      buf.asFloatBuffer().put(a, 0, n);
      out.write(buf.array());
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw IoErrors.writing(file, e);
      }
    }
  }

  /** Reads blocks from cache files in the order given. */
  static final class Reader implements AutoCloseable {
    private final List<Path> files;
    private final int dSae;
    private final int dSaeB;
    private final boolean correlations;
    /** Whether x is decoded (always for the correlations; for the windows before a post-norm). */
    private final boolean keepX;
    private int next;
    private DataInputStream in;
    private Path current;

    /** Decodes f and the residual stream (x and encoder B's non-zeros are skipped). */
    Reader(List<Path> files, int dSae) {
      this(files, dSae, 0, false, false);
    }

    private Reader(List<Path> files, int dSae, int dSaeB, boolean correlations, boolean keepX) {
      this.files = files;
      this.dSae = dSae;
      this.dSaeB = dSaeB;
      this.correlations = correlations;
      this.keepX = keepX || correlations;
    }

    /**
     * Decodes f and the residual stream for pass C's windows, and x too when {@code withX} (a hook before a
     * post-norm, whose ablation recomputes the norm from the hook values).
     */
    static Reader forWindows(List<Path> files, int dSae, boolean withX) {
      return new Reader(files, dSae, 0, false, withX);
    }

    /** Decodes f, x and encoder B's non-zeros ({@code dSaeB} 0 without encoder B); skips the residual stream. */
    static Reader forCorrelations(List<Path> files, int dSae, int dSaeB) {
      return new Reader(files, dSae, dSaeB, true, true);
    }

    /** The next block, or null at the end. */
    Block next() {
      try {
        while (true) {
          if (in == null) {
            if (next == files.size()) return null;
            current = files.get(next++);
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(current), 1 << 20));
          }
          int batch;
          try {
            batch = in.readInt();
          } catch (EOFException end) {
            in.close();
            in = null;
            continue;
          }
          int firstSequence = in.readInt();
          int rows = in.readInt();
          int nnz = in.readInt();
          int dModel = in.readInt();
          int dIn = in.readInt();
          int nnzB = in.readInt();
          long limit = Integer.MAX_VALUE / 4 - 8;
          if (rows < 0 || nnz < 0 || dModel < 0 || dIn < 0 || nnzB < -1 || rows + 1L > limit || nnz > limit
              || nnzB > limit || (long) rows * dModel > limit || (long) rows * dIn > limit) {
            throw new AtlasException(current + ": activation cache is corrupt");
          }
          SparseBatch f = readSparse(rows, nnz, dSae, true);
          float[] x = readFloats(rows * dIn, keepX);
          SparseBatch fB = nnzB < 0 ? null : readSparse(rows, nnzB, dSaeB, correlations);
          float[] resid = readFloats(rows * dModel, !correlations);
          return new Block(batch, firstSequence, f, dModel, resid, dIn, x, fB);
        }
      } catch (EOFException e) {
        throw new AtlasException(current + ": activation cache is truncated");
      } catch (IOException e) {
        throw IoErrors.reading(current, e);
      }
    }

    private SparseBatch readSparse(int rows, int nnz, int width, boolean keep) throws IOException {
      int[] rowStart = readInts(rows + 1, keep);
      int[] feature = readInts(nnz, keep);
      float[] value = readFloats(nnz, keep);
      if (!keep) return null;
      if (rowStart[0] != 0 || rowStart[rows] != nnz) throw new AtlasException(current + ": activation cache is corrupt");
      for (int r = 0; r < rows; r++) {
        if (rowStart[r + 1] < rowStart[r]) throw new AtlasException(current + ": activation cache is corrupt");
      }
      for (int e = 0; e < nnz; e++) {
        if (feature[e] < 0 || feature[e] >= width) throw new AtlasException(current + ": activation cache is corrupt");
      }
      return SparseBatch.fromRows(rows, width, rowStart, feature, value);
    }

    private ByteBuffer bytes(int n, boolean keep) throws IOException {
      if (!keep) {
        in.skipNBytes(4L * n);
        return null;
      }
      byte[] b = in.readNBytes(4 * n);
      if (b.length != 4 * n) throw new EOFException();
      return ByteBuffer.wrap(b);
    }

    private int[] readInts(int n, boolean keep) throws IOException {
      ByteBuffer buf = bytes(n, keep);
      if (buf == null) return null;
      int[] a = new int[n];
      buf.asIntBuffer().get(a);
      return a;
    }

    private float[] readFloats(int n, boolean keep) throws IOException {
      ByteBuffer buf = bytes(n, keep);
      if (buf == null) return null;
      float[] a = new float[n];
      buf.asFloatBuffer().get(a);
      return a;
    }

    @Override
    public void close() {
      try {
        if (in != null) in.close();
      } catch (IOException e) {
        throw IoErrors.reading(current, e);
      }
    }
  }
}
