package org.featureatlas.generate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Binary (de)serialisation shared by the accumulators, for shard state files. Big-endian, fixed layout. */
final class StateIO {
  private StateIO() {}

  static void writeLongs(DataOutputStream out, long[] a) throws IOException {
    out.writeInt(a.length);
    for (long v : a) out.writeLong(v);
  }

  static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
    out.writeInt(a.length);
    for (double v : a) out.writeDouble(v);
  }

  static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    for (float v : a) out.writeFloat(v);
  }

  static void writeInts(DataOutputStream out, int[] a) throws IOException {
    out.writeInt(a.length);
    for (int v : a) out.writeInt(v);
  }

  /** Reads an array written by {@link #writeLongs} into {@code into}, which must have its length. */
  static void readLongs(DataInputStream in, long[] into) throws IOException {
    length(in, into.length);
    for (int i = 0; i < into.length; i++) into[i] = in.readLong();
  }

  static void readDoubles(DataInputStream in, double[] into) throws IOException {
    length(in, into.length);
    for (int i = 0; i < into.length; i++) into[i] = in.readDouble();
  }

  static void readFloats(DataInputStream in, float[] into) throws IOException {
    length(in, into.length);
    for (int i = 0; i < into.length; i++) into[i] = in.readFloat();
  }

  static void readInts(DataInputStream in, int[] into) throws IOException {
    length(in, into.length);
    for (int i = 0; i < into.length; i++) into[i] = in.readInt();
  }

  /** Reads a size written by a statistic and checks it is {@code expected}. */
  static void size(DataInputStream in, String what, long expected) throws IOException {
    long got = in.readInt();
    if (got != expected) throw new IOException(what + " is " + got + " in the state, expected " + expected);
  }

  private static void length(DataInputStream in, int expected) throws IOException {
    size(in, "an array's length", expected);
  }
}
