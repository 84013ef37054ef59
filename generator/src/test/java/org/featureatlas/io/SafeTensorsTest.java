package org.featureatlas.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  @TempDir Path dir;

  private static Map<String, HostTensor> sample() {
    Map<String, HostTensor> m = new TreeMap<>();
    m.put("zeta", HostTensor.of(new float[] {1.5f, -2.25f, 0f, 3e-3f, 1e6f, -0.0f}, 2, 3));
    m.put("alpha", HostTensor.of(new float[] {7f}, 1));
    m.put("empty", HostTensor.of(new float[0], 0, 4));
    m.put("scalar", HostTensor.of(new float[] {42f}));
    return m;
  }

  @Test
  void f32RoundTripWithMetadataAndSortedNames() {
    Path f = dir.resolve("a.safetensors");
    SafeTensorsWriter.write(f, sample(), false, Map.of("format", "pt", "b", "2"));
    try (SafeTensors st = SafeTensors.open(f)) {
      assertEquals(List.of("alpha", "empty", "scalar", "zeta"), List.copyOf(st.names()));
      assertEquals(Map.of("format", "pt", "b", "2"), st.metadata());
      for (var e : sample().entrySet()) {
        assertEquals("F32", st.dtype(e.getKey()));
        assertArrayEquals(e.getValue().shape(), st.shape(e.getKey()));
        assertArrayEquals(e.getValue().data(), st.get(e.getKey()).data(), e.getKey());
      }
      assertTrue(st.has("zeta"));
      assertFalse(st.has("nope"));
      AtlasException ex = assertThrows(AtlasException.class, () -> st.get("nope"));
      assertEquals(f + ": no tensor named nope", ex.getMessage());
    }
  }

  @Test
  void writerBytesAreDeterministicSortedAndPadded() throws IOException {
    Path a = dir.resolve("a.safetensors");
    Path b = dir.resolve("b.safetensors");
    SafeTensorsWriter.write(a, sample(), false, Map.of("k", "v"));
    SafeTensorsWriter.write(b, new TreeMap<>(sample()).descendingMap(), false, Map.of("k", "v"));
    byte[] bytes = Files.readAllBytes(a);
    assertArrayEquals(bytes, Files.readAllBytes(b));
    long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, headerLen % 8);
    String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{\"__metadata__\":{\"k\":\"v\"},\"alpha\":{\"data_offsets\":[0,4],"
        + "\"dtype\":\"F32\",\"shape\":[1]},\"empty\""), header);
    assertEquals(header.stripTrailing() + " ".repeat(header.length() - header.stripTrailing().length()), header);
    // alpha first in the data section.
    assertEquals(7f, ByteBuffer.wrap(bytes, 8 + (int) headerLen, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat());
  }

  @Test
  void f16WriterStoresNearestHalf() {
    Path f = dir.resolve("h.safetensors");
    SafeTensorsWriter.write(f, sample(), true, Map.of());
    try (SafeTensors st = SafeTensors.open(f)) {
      assertEquals("F16", st.dtype("zeta"));
      float[] orig = sample().get("zeta").data();
      float[] got = st.get("zeta").data();
      for (int i = 0; i < orig.length; i++) {
        assertEquals(Float16.halfToFloat(Float16.floatToHalf(orig[i])), got[i]);
      }
      assertEquals(1.5f, got[0]);
      assertEquals(-2.25f, got[1]);
      assertEquals(Float.POSITIVE_INFINITY, got[4]); // 1e6 overflows half
    }
  }

  @Test
  void everyDtypeFromHandWrittenBytes() throws IOException {
    ByteBuffer data = RawSafeTensors.le(4 * 2 + 3 * 2 + 2 * 4 + 2 * 8 + 2 * 2);
    data.putFloat(1.25f).putFloat(-8f); // f32 [0,8)
    data.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3555); // f16 [8,14)
    data.putInt(-7).putInt(123456); // i32 [14,22)
    data.putLong(-3L).putLong(1L << 40); // i64 [22,38)
    data.putShort((short) 0x3F80).putShort((short) 0xC040); // bf16 [38,42)
    String header = "{\"f32\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"f16\":{\"dtype\":\"F16\",\"shape\":[3,1],\"data_offsets\":[8,14]},"
        + "\"i32\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[14,22]},"
        + "\"i64\":{\"dtype\":\"I64\",\"shape\":[1,2],\"data_offsets\":[22,38]},"
        + "\"bf16\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[38,42]}}";
    Path f = dir.resolve("all.safetensors");
    RawSafeTensors.write(f, header, data.array());
    try (SafeTensors st = SafeTensors.open(f)) {
      assertArrayEquals(new float[] {1.25f, -8f}, st.get("f32").data());
      assertArrayEquals(new float[] {1f, -2f, 0.333251953125f}, st.get("f16").data());
      assertArrayEquals(new long[] {3, 1}, st.shape("f16"));
      assertArrayEquals(new float[] {-7f, 123456f}, st.get("i32").data());
      assertArrayEquals(new float[] {-3f, (float) (1L << 40)}, st.get("i64").data());
      assertArrayEquals(new float[] {1f, -3f}, st.get("bf16").data());
      assertEquals("BF16", st.dtype("bf16"));
      assertEquals("I64", st.dtype("i64"));
      assertTrue(st.metadata().isEmpty());
    }
  }

  @Test
  void tensorStraddlingTheTwoGibMarkOfASparseFile() throws IOException {
    long padCount = (1L << 29) - 1024; // F32 values: 2 GiB - 4 KiB of data
    int n = 4096;
    long begin = padCount * 4;
    long end = begin + 4L * n;
    String header = "{\"pad\":{\"dtype\":\"F32\",\"shape\":[" + padCount + "],\"data_offsets\":[0," + begin + "]},"
        + "\"straddle\":{\"dtype\":\"F32\",\"shape\":[64," + (n / 64) + "],\"data_offsets\":[" + begin + "," + end + "]},"
        + "\"tail\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[" + end + "," + (end + 6) + "]}}";
    Path f = dir.resolve("big.safetensors");
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    long dataStart = 8 + h.length;
    assertTrue(dataStart + begin < (1L << 31) && dataStart + end > (1L << 31));
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer head = RawSafeTensors.le(8 + h.length).putLong(h.length).put(h);
      head.flip();
      ch.write(head, 0);
      ByteBuffer values = RawSafeTensors.le(4 * n + 6);
      for (int i = 0; i < n; i++) {
        values.putFloat(i * 0.5f - 7f);
      }
      values.putShort((short) 0x3F80).putShort((short) 0x4000).putShort((short) 0xC040);
      values.flip();
      ch.write(values, dataStart + begin);
    }
    assertTrue(Files.size(f) > (1L << 31));
    try (SafeTensors st = SafeTensors.open(f)) {
      float[] got = st.get("straddle").data();
      assertEquals(n, got.length);
      for (int i = 0; i < n; i++) {
        assertEquals(i * 0.5f - 7f, got[i], "element " + i);
      }
      assertArrayEquals(new float[] {1f, 2f, -3f}, st.get("tail").data());
      assertArrayEquals(new long[] {padCount}, st.shape("pad"));
    }
  }

  private static String assertOneLineError(Path f, String expectedPart) {
    AtlasException e = assertThrows(AtlasException.class, () -> SafeTensors.open(f).close());
    String msg = e.getMessage();
    assertTrue(msg.startsWith(f + ": "), msg);
    assertTrue(msg.contains(expectedPart), "expected '" + expectedPart + "' in: " + msg);
    assertFalse(msg.contains("\n"), msg);
    return msg;
  }

  @Test
  void truncatedFiles() throws IOException {
    Path f = dir.resolve("t.safetensors");
    Files.write(f, new byte[] {1, 2, 3});
    assertOneLineError(f, "truncated");

    SafeTensorsWriter.write(f, sample(), false, Map.of());
    byte[] full = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(full, 40)); // header cut short
    long headerLen = java.nio.ByteBuffer.wrap(full, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertOneLineError(f, "truncated safetensors file: header length field says " + headerLen
        + " bytes but only 32 bytes follow it");

    Files.write(f, java.util.Arrays.copyOf(full, full.length - 3)); // data cut short
    assertOneLineError(f, "beyond the end of the file");
  }

  @Test
  void headerThatIsNotJsonOrNotSafetensors() throws IOException {
    Path f = dir.resolve("j.safetensors");
    RawSafeTensors.write(f, "{\"a\": {\"dtype\": ", new byte[8]);
    assertOneLineError(f, "not valid JSON");
    RawSafeTensors.write(f, "[1, 2]", new byte[0]);
    assertOneLineError(f, "not a JSON object");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(0);
      raf.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 'x'});
    }
    assertOneLineError(f, "header length");
  }

  @Test
  void offsetsBeyondALongAreRefusedNotTruncated() throws IOException {
    Path f = dir.resolve("big.safetensors");
    // 2^64 + 0 and 2^64 + 16 would read as 0 and 16 if cut to a long.
    RawSafeTensors.write(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],"
        + "\"data_offsets\":[18446744073709551616,18446744073709551632]}}", new byte[16]);
    assertOneLineError(f, "data_offsets must be [begin, end]");
  }

  @Test
  void headerLyingAboutOffsetsOrShapes() throws IOException {
    Path f = dir.resolve("lie.safetensors");
    byte[] data = new byte[32];
    RawSafeTensors.write(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", data);
    assertOneLineError(f, "overlap");
    RawSafeTensors.write(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,0]}}", data);
    assertOneLineError(f, "bad data_offsets");
    RawSafeTensors.write(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[24,40]}}", data);
    assertOneLineError(f, "beyond the end");
    RawSafeTensors.write(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,16]}}", data);
    String msg = assertOneLineError(f, "needs 24 bytes but data_offsets give 16");
    assertTrue(msg.contains("tensor a"), msg);
    RawSafeTensors.write(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,16]}}", data);
    assertOneLineError(f, "bad shape");
    RawSafeTensors.write(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0]}}", data);
    assertOneLineError(f, "data_offsets must be");
    RawSafeTensors.write(f, "{\"a\":{\"shape\":[4],\"data_offsets\":[0,16]}}", data);
    assertOneLineError(f, "missing dtype");
  }

  @Test
  void unknownDtype() throws IOException {
    Path f = dir.resolve("u.safetensors");
    RawSafeTensors.write(f, "{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}", new byte[16]);
    String msg = assertOneLineError(f, "unsupported dtype F64");
    assertTrue(msg.contains("tensor a"), msg);
  }
}
