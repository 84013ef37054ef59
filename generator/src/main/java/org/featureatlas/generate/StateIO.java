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

  static long[] readLongs(DataInputStream in) throws IOException {
    long[] a = new long[in.readInt()];
    for (int i = 0; i < a.length; i++) a[i] = in.readLong();
    return a;
  }

  static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
    out.writeInt(a.length);
    for (double v : a) out.writeDouble(v);
  }

  static double[] readDoubles(DataInputStream in) throws IOException {
    double[] a = new double[in.readInt()];
    for (int i = 0; i < a.length; i++) a[i] = in.readDouble();
    return a;
  }

  static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    for (float v : a) out.writeFloat(v);
  }

  static float[] readFloats(DataInputStream in) throws IOException {
    float[] a = new float[in.readInt()];
    for (int i = 0; i < a.length; i++) a[i] = in.readFloat();
    return a;
  }

  static void writeInts(DataOutputStream out, int[] a) throws IOException {
    out.writeInt(a.length);
    for (int v : a) out.writeInt(v);
  }

  static int[] readInts(DataInputStream in) throws IOException {
    int[] a = new int[in.readInt()];
    for (int i = 0; i < a.length; i++) a[i] = in.readInt();
    return a;
  }

  static void add(double[] into, double[] from) {
    if (into.length != from.length) throw new IllegalArgumentException("length mismatch");
    for (int i = 0; i < into.length; i++) into[i] += from[i];
  }
}
