package org.featureatlas.generate;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.featureatlas.check.AtlasException;

/**
 * The non-zero feature activations of pass A, one block per batch, so later passes need not run the
 * encoder again: {@code batch, firstSequence, rows, nnz, rowStart[rows+1], feature[nnz], value[nnz]}.
 * Size is 8 bytes per non-zero; it lives in a temporary or shard directory, never in the data directory.
 */
final class ActivationCache {
  private ActivationCache() {}

  /** One batch's activations; rows are positions {@code firstSequence * T + r}. */
  record Block(int batch, int firstSequence, SparseBatch activations) {}

  static final class Writer implements AutoCloseable {
    private final DataOutputStream out;

    Writer(Path file) {
      try {
        out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void write(int batch, int firstSequence, SparseBatch f) {
      try {
        out.writeInt(batch);
        out.writeInt(firstSequence);
        out.writeInt(f.rows);
        out.writeInt(f.nnz);
        for (int v : f.rowStart) out.writeInt(v);
        for (int e = 0; e < f.nnz; e++) out.writeInt(f.feature[e]);
        for (int e = 0; e < f.nnz; e++) out.writeFloat(f.value[e]);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
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
          int[] rowStart = new int[rows + 1];
          for (int r = 0; r <= rows; r++) rowStart[r] = in.readInt();
          int[] feature = new int[nnz];
          for (int e = 0; e < nnz; e++) feature[e] = in.readInt();
          float[] value = new float[nnz];
          for (int e = 0; e < nnz; e++) value[e] = in.readFloat();
          return new Block(batch, firstSequence, SparseBatch.fromRows(rows, dSae, rowStart, feature, value));
        }
      } catch (EOFException e) {
        throw new AtlasException(current + ": activation cache is truncated");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      try {
        if (in != null) in.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
