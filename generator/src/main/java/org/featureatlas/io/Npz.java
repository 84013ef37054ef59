package org.featureatlas.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;

/**
 * NumPy {@code .npz} archives of float32 arrays (what {@code np.savez} and {@code np.savez_compressed}
 * write: a zip of {@code NAME.npy} entries). Only {@code <f4}/{@code >f4} C-order arrays are read.
 */
public final class Npz {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npz() {}

  /** Names of the arrays in {@code npz} (entry names without {@code .npy}), sorted. */
  public static List<String> names(Path npz) {
    Check.readableFile(npz);
    List<String> out = new ArrayList<>();
    try (ZipFile zip = new ZipFile(npz.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        if (name.endsWith(".npy")) {
          out.add(name.substring(0, name.length() - 4));
        }
      }
    } catch (ZipException e) {
      throw new AtlasException(npz + ": not a .npz (zip) archive: " + IoErrors.reason(e));
    } catch (IOException e) {
      throw IoErrors.reading(npz, e);
    }
    Collections.sort(out);
    return out;
  }

  /**
   * Reads the float32 arrays {@code names} of {@code npz}; a missing array, another dtype, a
   * Fortran-order array or a truncated entry is a one-line {@link AtlasException} naming the file.
   */
  public static Map<String, HostTensor> readFloats(Path npz, List<String> names) {
    Check.readableFile(npz);
    Map<String, HostTensor> out = new TreeMap<>();
    try (ZipFile zip = new ZipFile(npz.toFile())) {
      for (String name : names) {
        ZipEntry entry = zip.getEntry(name + ".npy");
        Check.file(entry != null, npz, "no array " + name + " (entries: " + names(npz) + ")");
        try (InputStream in = zip.getInputStream(entry)) {
          out.put(name, readFloatNpy(npz, name, in));
        }
      }
    } catch (ZipException e) {
      throw new AtlasException(npz + ": not a .npz (zip) archive: " + IoErrors.reason(e));
    } catch (IOException e) {
      throw IoErrors.reading(npz, e);
    }
    return out;
  }

  private static HostTensor readFloatNpy(Path npz, String name, InputStream raw) throws IOException {
    String what = npz + ": array " + name;
    DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
    try {
      byte[] magic = new byte[6];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new AtlasException(what + " is not a .npy entry (bad magic)");
      }
      int major = in.readUnsignedByte();
      in.readUnsignedByte();
      long headerLen;
      if (major == 1) {
        headerLen = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
      } else if (major == 2 || major == 3) {
        headerLen = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
      } else {
        throw new AtlasException(what + ": unsupported .npy version " + major);
      }
      if (headerLen >= (1 << 24)) {
        throw new AtlasException(what + ": .npy header too long");
      }
      byte[] headerBytes = new byte[(int) headerLen];
      in.readFully(headerBytes);
      String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      Matcher descr = DESCR.matcher(header);
      Matcher fortran = FORTRAN.matcher(header);
      Matcher shapeM = SHAPE.matcher(header);
      if (!(descr.find() && fortran.find() && shapeM.find())) {
        throw new AtlasException(what + ": .npy header unreadable: " + header.strip());
      }
      if (!fortran.group(1).equals("False")) {
        throw new AtlasException(what + " is in Fortran order; only C-order arrays are supported");
      }
      String d = descr.group(1);
      ByteOrder order;
      if (d.equals("<f4")) {
        order = ByteOrder.LITTLE_ENDIAN;
      } else if (d.equals(">f4")) {
        order = ByteOrder.BIG_ENDIAN;
      } else {
        throw new AtlasException(what + " has dtype '" + d + "'; expected float32 ('<f4')");
      }
      long[] shape = parseShape(what, shapeM.group(1));
      long count;
      try {
        count = HostTensor.elementCount(shape);
      } catch (ArithmeticException e) {
        throw new AtlasException(what + ": shape " + Arrays.toString(shape) + " overflows");
      }
      if (count > Integer.MAX_VALUE - 8) {
        throw new AtlasException(what + " is too large: " + count + " values");
      }
      float[] data = new float[(int) count];
      byte[] buf = new byte[4 * 8192];
      ByteBuffer bb = ByteBuffer.wrap(buf).order(order);
      int done = 0;
      while (done < count) {
        int n = (int) Math.min(8192, count - done);
        try {
          in.readFully(buf, 0, n * 4);
        } catch (EOFException e) {
          throw new AtlasException(what + " is truncated: expected " + count + " values, found " + done);
        }
        for (int i = 0; i < n; i++) {
          data[done + i] = bb.getFloat(i * 4);
        }
        done += n;
      }
      if (in.read() != -1) {
        throw new AtlasException(what + " holds more data than its shape " + Arrays.toString(shape));
      }
      return new HostTensor(shape, data);
    } catch (EOFException e) {
      throw new AtlasException(what + ": truncated .npy header");
    }
  }

  private static long[] parseShape(String what, String tuple) {
    List<Long> dims = new ArrayList<>();
    String[] parts = tuple.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i].strip();
      if (s.endsWith("L")) {
        s = s.substring(0, s.length() - 1);
      }
      if (s.isEmpty() && (tuple.isBlank() || (i == parts.length - 1 && i > 0))) {
        continue; // "()" or the trailing comma of "(5,)"
      }
      if (!s.matches("[0-9]{1,18}")) {
        throw new AtlasException(what + ": bad .npy shape (" + tuple + ")");
      }
      dims.add(Long.parseLong(s));
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  /** Writes {@code arrays} as little-endian float32 {@code .npy} entries of an uncompressed {@code .npz}. */
  public static void writeFloats(Path npz, Map<String, HostTensor> arrays) {
    try (OutputStream file = Files.newOutputStream(npz); ZipOutputStream zip = new ZipOutputStream(file)) {
      for (Map.Entry<String, HostTensor> e : new TreeMap<>(arrays).entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
        zip.write(npy(e.getValue()));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw IoErrors.writing(npz, e);
    }
  }

  private static byte[] npy(HostTensor t) {
    StringBuilder shape = new StringBuilder();
    for (long d : t.shape()) {
      shape.append(d).append(", ");
    }
    String tuple = t.rank() == 1 ? t.shape()[0] + "," : shape.substring(0, Math.max(0, shape.length() - 2));
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + tuple + "), }";
    int unpadded = 10 + dict.length() + 1;
    int total = (unpadded + 63) / 64 * 64;
    String header = dict + " ".repeat(total - unpadded) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream(total + 4 * t.data().length);
    out.writeBytes(MAGIC);
    out.write(1);
    out.write(0);
    out.write(header.length() & 0xff);
    out.write(header.length() >>> 8);
    out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
    ByteBuffer bb = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : t.data()) {
      bb.putFloat(v);
    }
    out.writeBytes(bb.array());
    return out.toByteArray();
  }
}
