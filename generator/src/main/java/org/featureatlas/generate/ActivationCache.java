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
 * What pass A keeps of each batch for the later passes, so they never run the model or the encoder
 * again: the non-zero feature activations and the final residual stream (before ln_f). One block per
 * batch: {@code batch, firstSequence, rows, nnz, dModel, rowStart[rows+1], feature[nnz], value[nnz],
 * resid[rows*dModel]}, big-endian. Size is 8 bytes per non-zero plus 4 * d_model per position; it
 * lives in a temporary or shard directory, never in the data directory, and is read back one batch at
 * a time.
 */
final class ActivationCache {
  private ActivationCache() {}

  /**
   * One batch; rows are positions {@code firstSequence * T + r}.
   *
   * @param resid the final residual stream, {@code [rows, dModel]} row-major
   */
  record Block(int batch, int firstSequence, SparseBatch activations, int dModel, float[] resid) {}

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

    void write(int batch, int firstSequence, SparseBatch f, int dModel, float[] resid) {
      if (resid.length != (long) f.rows * dModel) {
        throw new IllegalArgumentException("residual has " + resid.length + " values, expected " + f.rows + " x " + dModel);
      }
      ByteBuffer buf = ByteBuffer.allocate(4 * (5 + f.rows + 1 + 2 * f.nnz + resid.length));
      buf.putInt(batch).putInt(firstSequence).putInt(f.rows).putInt(f.nnz).putInt(dModel);
      buf.asIntBuffer().put(f.rowStart);
      buf.position(buf.position() + 4 * f.rowStart.length);
      buf.asIntBuffer().put(f.feature, 0, f.nnz);
      buf.position(buf.position() + 4 * f.nnz);
      buf.asFloatBuffer().put(f.value, 0, f.nnz);
      buf.position(buf.position() + 4 * f.nnz);
      buf.asFloatBuffer().put(resid);
      try {
        out.write(buf.array());
      } catch (IOException e) {
        throw IoErrors.writing(file, e);
      }
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
    private int next;
    private DataInputStream in;
    private Path current;

    Reader(List<Path> files, int dSae) {
      this.files = files;
      this.dSae = dSae;
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
          if (rows < 0 || nnz < 0 || dModel < 0 || (long) rows * dModel + nnz > Integer.MAX_VALUE / 8) {
            throw new AtlasException(current + ": activation cache is corrupt");
          }
          ByteBuffer buf = ByteBuffer.wrap(in.readNBytes(4 * (rows + 1 + 2 * nnz + rows * dModel)));
          if (buf.capacity() != 4 * (rows + 1 + 2 * nnz + rows * dModel)) throw new EOFException();
          int[] rowStart = new int[rows + 1];
          buf.asIntBuffer().get(rowStart);
          buf.position(buf.position() + 4 * (rows + 1));
          int[] feature = new int[nnz];
          buf.asIntBuffer().get(feature);
          buf.position(buf.position() + 4 * nnz);
          float[] value = new float[nnz];
          buf.asFloatBuffer().get(value);
          buf.position(buf.position() + 4 * nnz);
          float[] resid = new float[rows * dModel];
          buf.asFloatBuffer().get(resid);
          return new Block(batch, firstSequence, SparseBatch.fromRows(rows, dSae, rowStart, feature, value), dModel, resid);
        }
      } catch (EOFException e) {
        throw new AtlasException(current + ": activation cache is truncated");
      } catch (IOException e) {
        throw IoErrors.reading(current, e);
      }
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
