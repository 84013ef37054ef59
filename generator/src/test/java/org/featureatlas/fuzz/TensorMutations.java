package org.featureatlas.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Header-aware mutations of safetensors and {@code .npy} files, mixed with format-blind ones. */
final class TensorMutations {
  private static final String[] DTYPES = {"F32", "F16", "BF16", "F64", "I32", "I64", "I16", "I8", "U8", "U16", "U32",
      "U64", "BOOL", "F8_E4M3", "F8_E5M2", "f32", "", "C64"};
  private static final String[] NPY_DESCR = {"<i4", "<i8", "<i2", "|u1", "<u2", "<u4", "<u8", ">i4", ">i8", "=i4", "<f4",
      "<f8", "|b1", "|O", "<U3", "", "i4", "<i16", "|S4"};

  private TensorMutations() {}

  // ---- safetensors ----

  static Mutant safetensors(byte[] in, Random r) {
    return switch (r.nextInt(10)) {
      case 0, 1 -> ByteMutations.any(in, r);
      case 2 -> headerLength(in, r);
      case 3, 4, 5 -> headerEntry(in, r, r.nextInt(4) > 0);
      case 6 -> headerGeneric(in, r);
      case 7 -> nonFinite(in, r);
      case 8 -> ByteMutations.truncate(in, r);
      default -> ByteMutations.bitFlips(in, r);
    };
  }

  private static long headerLen(byte[] b) {
    return ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static byte[] withHeader(byte[] in, byte[] header, long declaredLength) {
    int oldEnd = (int) (8 + headerLen(in));
    byte[] data = Arrays.copyOfRange(in, oldEnd, in.length);
    ByteBuffer out = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(declaredLength).put(header).put(data);
    return out.array();
  }

  static Mutant headerLength(byte[] in, Random r) {
    long n = headerLen(in);
    long[] values = {0, 1, 2, n - 1, n + 1, n + 8, in.length - 8, in.length, in.length - 7, 100L << 20, (100L << 20) + 1,
        1L << 31, 1L << 32, -1, Long.MIN_VALUE, Long.MAX_VALUE};
    long v = values[r.nextInt(values.length)];
    byte[] b = in.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
    return new Mutant(b, "safetensors header length " + n + " -> " + v);
  }

  private static ObjectNode header(byte[] in) throws java.io.IOException {
    int n = (int) headerLen(in);
    return (ObjectNode) JsonMutations.JSON.readTree(new String(in, 8, n, StandardCharsets.UTF_8));
  }

  /** Edits dtype, shape or data_offsets of one tensor (or drops, renames or adds a tensor). */
  static Mutant headerEntry(byte[] in, Random r, boolean honestLength) {
    ObjectNode h;
    try {
      h = header(in);
    } catch (java.io.IOException | ClassCastException e) {
      return ByteMutations.any(in, r);
    }
    List<String> names = new ArrayList<>();
    h.fieldNames().forEachRemaining(f -> {
      if (!f.equals("__metadata__")) names.add(f);
    });
    String name = names.get(r.nextInt(names.size()));
    ObjectNode e = (ObjectNode) h.get(name);
    String d;
    switch (r.nextInt(9)) {
      case 0 -> {
        String t = DTYPES[r.nextInt(DTYPES.length)];
        e.put("dtype", t);
        d = name + ".dtype = " + t;
      }
      case 1, 2 -> {
        ArrayNode shape = (ArrayNode) e.get("shape");
        d = name + ".shape " + shape + " -> ";
        int k = shape.size() == 0 ? -1 : r.nextInt(shape.size());
        switch (r.nextInt(6)) {
          case 0 -> shape.add(1 + r.nextInt(3));
          case 1 -> {
            if (k >= 0) shape.remove(k);
          }
          case 2 -> {
            if (k >= 0) shape.set(k, JsonMutations.nudge(shape.get(k), r));
          }
          case 3 -> {
            if (k >= 0) shape.set(k, shape.get(k).asLong() * 2);
          }
          case 4 -> {
            shape.removeAll();
            shape.add(1L << 32).add(1L << 32);
          }
          default -> {
            if (shape.size() >= 2) {
              JsonNode a = shape.get(0);
              shape.set(0, shape.get(1));
              shape.set(1, a);
            } else {
              shape.add(0);
            }
          }
        }
        d += shape;
      }
      case 3, 4 -> {
        ArrayNode off = (ArrayNode) e.get("data_offsets");
        d = name + ".data_offsets " + off + " -> ";
        int k = r.nextInt(2);
        long v = off.get(k).asLong();
        long[] choices = {v + 1, v - 1, v + 4, v - 4, 0, -4, in.length, Long.MAX_VALUE, (1L << 31) + v, off.get(1 - k).asLong()};
        off.set(k, choices[r.nextInt(choices.length)]);
        if (r.nextInt(6) == 0) off.add(7);
        d += off;
      }
      case 5 -> {
        h.remove(name);
        d = "drop tensor " + name;
      }
      case 6 -> {
        h.set(name + ".x", h.remove(name));
        d = "rename tensor " + name;
      }
      case 7 -> {
        h.set("extra", e.deepCopy());
        d = "add tensor 'extra' sharing the bytes of " + name;
      }
      default -> d = JsonMutations.edit(h, r);
    }
    byte[] header = JsonMutations.write(h);
    long declared = honestLength ? header.length : header.length + (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(8));
    return new Mutant(withHeader(in, header, declared), "safetensors header: " + d
        + (honestLength ? "" : " (length field off: " + declared + " for " + header.length + " bytes)"));
  }

  static Mutant headerGeneric(byte[] in, Random r) {
    int n = (int) headerLen(in);
    byte[] header = Arrays.copyOfRange(in, 8, 8 + n);
    Mutant m = JsonMutations.any(header, r);
    return new Mutant(withHeader(in, m.bytes(), m.bytes().length), "safetensors header JSON: " + m.description());
  }

  /** Overwrites one float of the data section with NaN or an infinity. */
  static Mutant nonFinite(byte[] in, Random r) {
    int start = (int) (8 + headerLen(in));
    byte[] b = in.clone();
    int count = (b.length - start) / 4;
    if (count == 0) return ByteMutations.any(in, r);
    int i = start + 4 * r.nextInt(count);
    float[] vals = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f};
    float v = vals[r.nextInt(vals.length)];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(i, v);
    return new Mutant(b, "safetensors data: " + v + " at byte " + i);
  }

  // ---- npy ----

  static Mutant npy(byte[] in, Random r) {
    return switch (r.nextInt(10)) {
      case 0, 1 -> ByteMutations.any(in, r);
      case 2, 3, 4 -> npyHeader(in, r);
      case 5 -> npyLengthOrVersion(in, r);
      case 6 -> npyValues(in, r);
      case 7 -> ByteMutations.truncate(in, r);
      case 8 -> npyHeader(npyValues(in, r).bytes(), r);
      default -> ByteMutations.bitFlips(in, r);
    };
  }

  private static int npyHeaderLen(byte[] in) {
    return (in[8] & 0xff) | (in[9] & 0xff) << 8;
  }

  /** Rewrites the header dict: descr, fortran_order or shape, keeping a valid version-1 layout. */
  static Mutant npyHeader(byte[] in, Random r) {
    if (in.length < 10 || in[6] != 1) return ByteMutations.any(in, r);
    int n = npyHeaderLen(in);
    if (10 + n > in.length) return ByteMutations.any(in, r);
    String header = new String(in, 10, n, StandardCharsets.ISO_8859_1).strip();
    String d;
    String edited;
    switch (r.nextInt(7)) {
      case 0 -> {
        String t = NPY_DESCR[r.nextInt(NPY_DESCR.length)];
        edited = header.replaceFirst("'descr': '[^']*'", "'descr': '" + t + "'");
        d = "descr " + t;
      }
      case 1 -> {
        edited = header.replace("False", r.nextBoolean() ? "True" : "0");
        d = "fortran_order";
      }
      case 2 -> {
        edited = header.replaceFirst("'(descr|fortran_order|shape)'", "'x$1'");
        d = "drop a key";
      }
      default -> {
        String[] shapes = {"()", "(4,)", "(0, 16)", "(4, 0)", "(-4, 16)", "(4, -16)", "(16, 4)", "(4, 16, 1)", "(1, 4, 16)",
            "(4294967296, 4294967296)", "(4294967297, 16)", "(2147483648, 2)", "(65536, 65536)", "(3037000500, 3037000500)",
            "(9223372036854775807, 2)", "(99999999999999999999, 1)", "(4L, 16L)", "(4.0, 16)", "(a, b)", "(4, 16", "(1000000, 16)",
            "(5, 16)", "(3, 16)", "(4, 17)", "(4, 4096)"};
        String s = shapes[r.nextInt(shapes.length)];
        edited = header.replaceFirst("'shape': \\([^)]*\\)", java.util.regex.Matcher.quoteReplacement("'shape': " + s));
        d = "shape " + s;
      }
    }
    int unpadded = 10 + edited.length() + 1;
    int total = (unpadded + 63) / 64 * 64;
    String padded = edited + " ".repeat(total - unpadded) + "\n";
    byte[] h = padded.getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[10 + h.length + in.length - 10 - n];
    System.arraycopy(in, 0, out, 0, 8);
    out[8] = (byte) h.length;
    out[9] = (byte) (h.length >> 8);
    System.arraycopy(h, 0, out, 10, h.length);
    System.arraycopy(in, 10 + n, out, 10 + h.length, in.length - 10 - n);
    return new Mutant(out, ".npy header: " + d);
  }

  static Mutant npyLengthOrVersion(byte[] in, Random r) {
    byte[] b = in.clone();
    if (b.length < 10) return ByteMutations.any(in, r);
    if (r.nextBoolean()) {
      int v = new int[] {0, 2, 3, 4, 255}[r.nextInt(5)];
      b[6] = (byte) v;
      return new Mutant(b, ".npy version " + v);
    }
    int n = npyHeaderLen(in);
    int v = new int[] {0, 1, n - 1, n + 1, n - 16, n + 64, 0xffff, in.length}[r.nextInt(8)] & 0xffff;
    b[8] = (byte) v;
    b[9] = (byte) (v >> 8);
    return new Mutant(b, ".npy header length " + n + " -> " + v);
  }

  /** Sets one token id (int32 little-endian data) to a value outside the vocabulary or negative. */
  static Mutant npyValues(byte[] in, Random r) {
    if (in.length < 10) return ByteMutations.any(in, r);
    int start = 10 + npyHeaderLen(in);
    int count = (in.length - start) / 4;
    if (count <= 0) return ByteMutations.any(in, r);
    byte[] b = in.clone();
    int i = start + 4 * r.nextInt(count);
    int v = new int[] {-1, FuzzInputs.VOCAB, FuzzInputs.VOCAB - 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 50257, 0}[r.nextInt(7)];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(i, v);
    return new Mutant(b, ".npy value " + v + " at byte " + i);
  }
}
