package org.featureatlas.generate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.data.Example;

/**
 * For each feature, the {@code k} active positions with the largest activation (pass A), ordered by
 * activation descending, ties by dataset position ({@code s * T + t}) ascending: a {@link BoundedTopK} of
 * (activation, position). The result depends only on the set of positions offered, so shards merge
 * exactly. Gives the record its top examples (the windows pass C built for these positions).
 */
final class TopExamples implements Statistic {
  final int dSae;
  final int k;
  private final BoundedTopK best;

  TopExamples(int dSae, int k) {
    this.dSae = dSae;
    this.k = k;
    best = new BoundedTopK(dSae, k, BoundedTopK.Order.LARGEST, false);
  }

  @Override
  public void add(SparseBatch f, long firstPosition) {
    for (int r = 0; r < f.rows; r++) {
      for (int e = f.rowStart[r]; e < f.rowStart[r + 1]; e++) {
        best.offer(f.feature[e], f.value[e], firstPosition + r);
      }
    }
  }

  @Override
  public void merge(Statistic other) {
    best.merge(Statistic.same(TopExamples.class, other).best);
  }

  /** Feature {@code i}'s top positions, best first. */
  List<Selection.Ref> refs(int i) {
    List<Selection.Ref> out = new ArrayList<>(best.size(i));
    for (int j = 0; j < best.size(i); j++) out.add(new Selection.Ref(i, best.id(i, j), (float) best.score(i, j)));
    return out;
  }

  @Override
  public void contribute(int i, RecordFields record) {
    List<Example> top = new ArrayList<>(best.size(i));
    for (int j = 0; j < best.size(i); j++) top.add(record.shown(best.id(i, j)));
    record.topExamples(top);
  }

  /** Layout: d_sae, k, the lists' sizes, then [d_sae * k] activations and positions (0 past a list's end). */
  @Override
  public void write(DataOutputStream out) throws IOException {
    out.writeInt(dSae);
    out.writeInt(k);
    int[] size = new int[dSae];
    float[] acts = new float[dSae * k];
    long[] pos = new long[dSae * k];
    for (int i = 0; i < dSae; i++) {
      size[i] = best.size(i);
      for (int j = 0; j < size[i]; j++) {
        acts[i * k + j] = (float) best.score(i, j);
        pos[i * k + j] = best.id(i, j);
      }
    }
    StateIO.writeInts(out, size);
    StateIO.writeFloats(out, acts);
    StateIO.writeLongs(out, pos);
  }

  @Override
  public void read(DataInputStream in) throws IOException {
    StateIO.size(in, "d_sae", dSae);
    StateIO.size(in, "top_k", k);
    int[] size = new int[dSae];
    float[] acts = new float[dSae * k];
    long[] pos = new long[dSae * k];
    StateIO.readInts(in, size);
    StateIO.readFloats(in, acts);
    StateIO.readLongs(in, pos);
    for (int i = 0; i < dSae; i++) {
      if (size[i] < 0 || size[i] > k) throw new IOException("feature " + i + " has " + size[i] + " top examples, at most " + k);
      best.clear(i);
      for (int j = 0; j < size[i]; j++) best.offer(i, acts[i * k + j], pos[i * k + j]);
    }
  }
}
