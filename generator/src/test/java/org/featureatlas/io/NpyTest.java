package org.featureatlas.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir Path dir;

  /** A .npy file written byte by byte as numpy.save does (version 1.0). */
  private static byte[] npy(String descr, boolean fortran, String shape, byte[] data) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
        + ", 'shape': " + shape + ", }";
    int pad = 64 - (10 + dict.length() + 1) % 64;
    String header = dict + " ".repeat(pad % 64) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x93);
    out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
    out.write(1);
    out.write(0);
    out.write(header.length() & 0xff);
    out.write(header.length() >>> 8);
    out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(data);
    return out.toByteArray();
  }

  private Path file(byte[] bytes) throws IOException {
    Path f = dir.resolve("t.npy");
    Files.write(f, bytes);
    return f;
  }

  private static final int[] VALUES = {0, 1, 50256, 7, 65535, 3};

  private static byte[] encode(int size, ByteOrder order) {
    ByteBuffer b = ByteBuffer.allocate(size * VALUES.length).order(order);
    for (int v : VALUES) {
      switch (size) {
        case 2 -> b.putShort((short) v);
        case 4 -> b.putInt(v);
        default -> b.putLong(v);
      }
    }
    return b.array();
  }

  @Test
  void everyDtypeAndByteOrder() throws IOException {
    String[][] cases = {{"<i4", "4", "L"}, {">i4", "4", "B"}, {"<i8", "8", "L"}, {">i8", "8", "B"},
        {"<u2", "2", "L"}, {">u2", "2", "B"}, {"<u4", "4", "L"}, {"<u8", "8", "L"}};
    for (String[] c : cases) {
      ByteOrder order = c[2].equals("L") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
      NpyInts a = Npy.read(file(npy(c[0], false, "(2, 3)", encode(Integer.parseInt(c[1]), order))));
      assertEquals(2, a.rows(), c[0]);
      assertEquals(3, a.cols(), c[0]);
      assertArrayEquals(VALUES, a.data(), c[0]);
    }
    int[] shape = new int[2];
    assertArrayEquals(VALUES, Npy.readInts(file(npy("<i8", false, "(3, 2)", encode(8, ByteOrder.LITTLE_ENDIAN))), shape));
    assertArrayEquals(new int[] {3, 2}, shape);
  }

  @Test
  void writeIntsReadsBack() {
    Path f = dir.resolve("w.npy");
    int[] data = new int[5 * 7];
    Arrays.setAll(data, i -> i * 31 - 5);
    Npy.writeInts(f, 5, 7, data);
    NpyInts a = Npy.read(f);
    assertEquals(5, a.rows());
    assertEquals(7, a.cols());
    assertArrayEquals(data, a.data());
  }

  @Test
  void emptyArrayReadsAsEmpty() throws IOException {
    NpyInts a = Npy.read(file(npy("<i4", false, "(0, 128)", new byte[0])));
    assertEquals(0, a.rows());
    assertEquals(0, a.data().length);
  }

  private void assertError(byte[] bytes, String part) throws IOException {
    Path f = file(bytes);
    String msg = assertThrows(AtlasException.class, () -> Npy.read(f)).getMessage();
    assertTrue(msg.startsWith(f + ": ") && msg.contains(part), msg);
    assertFalse(msg.contains("\n"), msg);
  }

  @Test
  void badFiles() throws IOException {
    byte[] data = encode(4, ByteOrder.LITTLE_ENDIAN);
    assertError(npy("<i4", true, "(2, 3)", data), "Fortran");
    assertError(npy("<f4", false, "(2, 3)", data), "unsupported dtype '<f4'");
    assertError(npy("<i4", false, "(6,)", data), "2-D");
    assertError(npy("<i4", false, "(2, 3, 1)", data), "2-D");
    assertError(npy("<i4", false, "(3, 3)", data),
        "truncated .npy file: header says 9 elements of 4 bytes but the file has 24 bytes of data");
    assertError("not numpy at all".getBytes(StandardCharsets.US_ASCII), "bad magic");
    assertError(new byte[] {(byte) 0x93, 'N'}, "truncated");
    ByteBuffer big = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 33);
    assertError(npy("<i8", false, "(1, 1)", big.array()), "does not fit");
  }

  @Test
  void shapesWhoseSizeOverflowsAreRefusedNotReadAsSmall() throws IOException {
    byte[] data = encode(4, ByteOrder.LITTLE_ENDIAN);
    // 2^40 * 2^40 wraps to 0 in long arithmetic: this used to read as an empty array.
    long big = 1L << 40;
    assertError(npy("<i4", false, "(" + big + ", " + big + ")", new byte[0]),
        "shape (" + big + ", " + big + ") overflows");
    // The element count fits a long but the byte count does not.
    assertError(npy("<i8", false, "(" + (1L << 31) + ", " + (1L << 31) + ")", data),
        "shape (" + (1L << 31) + ", " + (1L << 31) + ") overflows");
    // A dimension beyond a long.
    assertError(npy("<i4", false, "(99999999999999999999, 2)", data), "overflows");
    // Negative dimensions: (-1, -6) multiplies to 6 and used to be accepted.
    assertError(npy("<i4", false, "(-1, -6)", data), "bad .npy shape (-1, -6)");
    // A dimension over int range with a zero other dimension: nothing to read, but rows would not fit.
    assertError(npy("<i4", false, "(" + (1L << 31) + ", 0)", new byte[0]), "dimension over 2147483647");
  }

  @Test
  void dataLengthMustMatchTheHeaderExactly() throws IOException {
    byte[] data = encode(4, ByteOrder.LITTLE_ENDIAN);
    byte[] longer = Arrays.copyOf(data, data.length + 4);
    assertError(npy("<i4", false, "(2, 3)", longer), "header says 6 elements of 4 bytes but the file has 28 bytes of data");
    assertError(npy("<u1", false, "(2, 3)", new byte[5]), "header says 6 elements of 1 byte but the file has 5 bytes of data");
    // Python 2 long literals and the trailing comma numpy writes still read.
    NpyInts a = Npy.read(file(npy("<i4", false, "(2L, 3L)", data)));
    assertEquals(3, a.cols());
  }
}
