package org.featureatlas.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.featureatlas.check.IoErrors;

/**
 * Pass C's shifted logits, kept on disk between {@code ~v} blocks. When pass C runs in more than one
 * block, each batch's logits are computed once (by the block that first needs them, for all of the
 * batch's ablated rows in one product) and written here; the later blocks read back only the rows they
 * ablate. So the logits product runs once per batch instead of once per batch and block, and the numbers
 * are those of a one-block run. The file is scratch: it lives in the run's working directory and is read
 * with plain positional reads (not mapped), so the page cache does not count as the process's memory.
 *
 * <p>Disk use: {@code 4 x vocab} bytes for every ablated row of the run.
 */
final class LogitsSpill implements AutoCloseable {
  /** Bytes moved per read or write call. */
  private static final int IO_CHUNK = 1 << 20;

  private final Path file;
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(IO_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
  private long end;

  LogitsSpill(Path file) {
    this.file = file;
    try {
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw IoErrors.writing(file, e);
    }
  }

  /** Appends {@code floats} values of {@code data} from index 0 and returns the file offset (in floats) they start at. */
  synchronized long append(float[] data, int floats) {
    long start = end;
    try {
      long pos = end * 4;
      for (int i = 0; i < floats; ) {
        buffer.clear();
        int n = Math.min(floats - i, IO_CHUNK / 4);
        buffer.asFloatBuffer().put(data, i, n);
        buffer.limit(n * 4);
        while (buffer.hasRemaining()) pos += channel.write(buffer, pos);
        i += n;
      }
    } catch (IOException e) {
      throw IoErrors.writing(file, e);
    }
    end += floats;
    return start;
  }

  /** Reads {@code floats} values starting at file offset {@code offset} (in floats) into {@code into[at ..]}. */
  synchronized void read(long offset, float[] into, int at, int floats) {
    if (offset < 0 || offset + floats > end) {
      throw new IllegalArgumentException("read of " + floats + " floats at " + offset + " outside " + end);
    }
    try {
      long pos = offset * 4;
      for (int i = 0; i < floats; ) {
        buffer.clear();
        int n = Math.min(floats - i, IO_CHUNK / 4);
        buffer.limit(n * 4);
        while (buffer.hasRemaining()) {
          int got = channel.read(buffer, pos);
          if (got < 0) throw new IOException("unexpected end of file");
          pos += got;
        }
        buffer.flip();
        buffer.asFloatBuffer().get(into, at + i, n);
        i += n;
      }
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
