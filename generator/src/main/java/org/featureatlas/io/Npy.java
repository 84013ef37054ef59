package org.featureatlas.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;

/**
 * NumPy {@code .npy} files holding 2-D integer arrays: int16/int32/int64 and uint8/uint16/uint32,
 * either byte order as declared, C order only.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** Reads a 2-D integer array; every problem is a one-line {@link AtlasException} naming the file. */
  public static NpyInts read(Path file) {
    Check.readableFile(file);
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
      long fileSize = Files.size(file);
      byte[] magic = new byte[6];
      in.readFully(magic);
      for (int i = 0; i < 6; i++) {
        Check.file(magic[i] == MAGIC[i], file, "not a .npy file (bad magic)");
      }
      int major = in.readUnsignedByte();
      in.readUnsignedByte();
      long headerLen;
      if (major == 1) {
        headerLen = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
      } else if (major == 2 || major == 3) {
        headerLen = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
      } else {
        throw new AtlasException(file + ": unsupported .npy version " + major);
      }
      Check.file(headerLen < (1 << 24), file, ".npy header too long");
      byte[] headerBytes = new byte[(int) headerLen];
      in.readFully(headerBytes);
      String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      Matcher descr = DESCR.matcher(header);
      Matcher fortran = FORTRAN.matcher(header);
      Matcher shapeM = SHAPE.matcher(header);
      Check.file(descr.find() && fortran.find() && shapeM.find(), file,
          ".npy header unreadable: " + header.strip());
      Check.file(fortran.group(1).equals("False"), file,
          "Fortran-order arrays are not supported; save the array in C order (np.ascontiguousarray)");
      String d = descr.group(1);
      ByteOrder order;
      switch (d.isEmpty() ? ' ' : d.charAt(0)) {
        case '<', '|', '=' -> order = ByteOrder.LITTLE_ENDIAN;
        case '>' -> order = ByteOrder.BIG_ENDIAN;
        default -> throw new AtlasException(file + ": unsupported dtype '" + d + "'");
      }
      String kind = d.substring(1);
      int size = switch (kind) {
        case "u1" -> 1;
        case "i2", "u2" -> 2;
        case "i4", "u4" -> 4;
        case "i8", "u8" -> 8;
        default -> throw new AtlasException(file + ": unsupported dtype '" + d
            + "' (expected an integer array: int16/32/64 or uint8/16/32/64)");
      };
      long[] shape = parseShape(file, shapeM.group(1));
      Check.file(shape.length == 2, file, "expected a 2-D token array [sequences, seq_len], got shape "
          + java.util.Arrays.toString(shape));
      long count;
      long bytes;
      try {
        count = Math.multiplyExact(shape[0], shape[1]);
        bytes = Math.multiplyExact(count, size);
      } catch (ArithmeticException e) {
        throw new AtlasException(file + ": shape (" + shape[0] + ", " + shape[1] + ") overflows");
      }
      long dataLen = fileSize - (6 + 2 + (major == 1 ? 2 : 4) + headerLen);
      Check.file(bytes == dataLen, file, (bytes > dataLen ? "truncated .npy file: " : "") + "header says "
          + count + " elements of " + size + (size == 1 ? " byte" : " bytes") + " but the file has "
          + dataLen + " bytes of data");
      Check.file(shape[0] <= Integer.MAX_VALUE && shape[1] <= Integer.MAX_VALUE, file,
          "shape (" + shape[0] + ", " + shape[1] + ") has a dimension over " + Integer.MAX_VALUE);
      Check.file(count <= Integer.MAX_VALUE - 8, file, "array too large: " + count + " values");
      int[] data = new int[(int) count];
      byte[] buf = new byte[size * 8192];
      ByteBuffer bb = ByteBuffer.wrap(buf).order(order);
      int done = 0;
      while (done < count) {
        int n = (int) Math.min(8192, count - done);
        try {
          in.readFully(buf, 0, n * size);
        } catch (EOFException e) {
          throw new AtlasException(file + ": truncated .npy file: expected " + count + " values of "
              + d + ", found only about " + done);
        }
        for (int i = 0; i < n; i++) {
          long v = switch (kind) {
            case "u1" -> buf[i] & 0xff;
            case "i2" -> bb.getShort(i * 2);
            case "u2" -> Short.toUnsignedInt(bb.getShort(i * 2));
            case "i4" -> bb.getInt(i * 4);
            case "u4" -> Integer.toUnsignedLong(bb.getInt(i * 4));
            default -> bb.getLong(i * 8);
          };
          if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE || (kind.equals("u8") && v < 0)) {
            throw new AtlasException(file + ": value " + Long.toUnsignedString(v) + " at [" + (done + i) / shape[1]
                + ", " + (done + i) % shape[1] + "] does not fit a token id");
          }
          data[done + i] = (int) v;
        }
        done += n;
      }
      return new NpyInts((int) shape[0], (int) shape[1], data);
    } catch (EOFException e) {
      throw new AtlasException(file + ": truncated .npy file (header incomplete)");
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    }
  }

  /**
   * The dimensions of a header's shape tuple ({@code "3, 4"}, {@code "3L, 4L"}, {@code "5,"}); each
   * must be a non-negative integer that fits a long.
   */
  private static long[] parseShape(Path file, String tuple) {
    if (tuple.isBlank()) {
      return new long[0];
    }
    String[] parts = tuple.split(",", -1);
    java.util.List<Long> dims = new java.util.ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i].strip();
      if (s.endsWith("L")) {
        s = s.substring(0, s.length() - 1);
      }
      if (s.isEmpty() && i == parts.length - 1 && i > 0) {
        break; // the trailing comma of "(5,)"
      }
      Check.file(s.matches("[0-9]+"), file, "bad .npy shape (" + tuple + ")");
      try {
        dims.add(Long.parseLong(s));
      } catch (NumberFormatException e) {
        throw new AtlasException(file + ": shape (" + tuple + ") overflows");
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  /** Reads a 2-D integer array, storing {@code [rows, cols]} in {@code shapeOut}. */
  public static int[] readInts(Path file, int[] shapeOut) {
    NpyInts a = read(file);
    shapeOut[0] = a.rows();
    shapeOut[1] = a.cols();
    return a.data();
  }

  /** Writes a little-endian int32 C-order {@code .npy} (version 1.0). */
  public static void writeInts(Path file, int rows, int cols, int[] data) {
    if ((long) rows * cols != data.length) {
      throw new IllegalArgumentException(rows + "x" + cols + " != " + data.length);
    }
    String dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    int unpadded = 10 + dict.length() + 1;
    int total = (unpadded + 63) / 64 * 64;
    String header = dict + " ".repeat(total - unpadded) + "\n";
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(MAGIC);
      out.write(1);
      out.write(0);
      int len = header.length();
      out.write(len & 0xff);
      out.write(len >>> 8);
      out.write(header.getBytes(StandardCharsets.ISO_8859_1));
      ByteBuffer buf = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
      for (int v : data) {
        if (!buf.hasRemaining()) {
          out.write(buf.array(), 0, buf.position());
          buf.clear();
        }
        buf.putInt(v);
      }
      out.write(buf.array(), 0, buf.position());
    } catch (IOException e) {
      throw IoErrors.writing(file, e);
    }
  }
}
