package org.featureatlas.generate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * For each feature, the {@code k} active positions with the largest activation, ordered by activation
 * descending, ties by global position ({@code s * T + t}) ascending. Positions are offered in any order;
 * the result depends only on the set offered, so shards merge exactly.
 */
final class TopExamples {
  final int dSae;
  final int k;
  final int[] size;
  final float[] acts;   // [dSae * k], sorted within each feature
  final long[] pos;     // [dSae * k]

  TopExamples(int dSae, int k) {
    this.dSae = dSae;
    this.k = k;
    size = new int[dSae];
    acts = new float[dSae * k];
    pos = new long[dSae * k];
  }

  /** True when (a, p) ranks before (b, q). */
  static boolean before(float a, long p, float b, long q) {
    return a > b || (a == b && p < q);
  }

  void offer(int feature, float act, long position) {
    int base = feature * k;
    int n = size[feature];
    if (n == k && !before(act, position, acts[base + n - 1], pos[base + n - 1])) {
      return;
    }
    int at = n == k ? n - 1 : n;
    while (at > 0 && before(act, position, acts[base + at - 1], pos[base + at - 1])) {
      acts[base + at] = acts[base + at - 1];
      pos[base + at] = pos[base + at - 1];
      at--;
    }
    acts[base + at] = act;
    pos[base + at] = position;
    if (n < k) size[feature] = n + 1;
  }

  void merge(TopExamples o) {
    for (int f = 0; f < dSae; f++) {
      for (int j = 0; j < o.size[f]; j++) {
        offer(f, o.acts[f * k + j], o.pos[f * k + j]);
      }
    }
  }

  int size(int feature) {
    return size[feature];
  }

  float act(int feature, int j) {
    return acts[feature * k + j];
  }

  long position(int feature, int j) {
    return pos[feature * k + j];
  }

  void write(DataOutputStream out) throws IOException {
    out.writeInt(dSae);
    out.writeInt(k);
    StateIO.writeInts(out, size);
    StateIO.writeFloats(out, acts);
    StateIO.writeLongs(out, pos);
  }

  static TopExamples read(DataInputStream in) throws IOException {
    TopExamples t = new TopExamples(in.readInt(), in.readInt());
    System.arraycopy(StateIO.readInts(in), 0, t.size, 0, t.dSae);
    System.arraycopy(StateIO.readFloats(in), 0, t.acts, 0, t.acts.length);
    System.arraycopy(StateIO.readLongs(in), 0, t.pos, 0, t.pos.length);
    return t;
  }
}
