package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.FeatureMap;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Manifest;
import org.featureatlas.data.MapPoint;
import org.featureatlas.io.HostTensor;
import org.featureatlas.progress.Stages;
import org.featureatlas.sae.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature map: its fuzzy weights, that it keeps clusters of decoder directions apart, determinism, map.json. */
class MapLayoutTest {
  static final int D_IN = 24;

  @TempDir
  Path dir;

  /** {@code clusters} groups of {@code per} rows, each a random centre plus small noise (the centres nearly orthogonal). */
  static HostTensor clustered(int clusters, int per, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] centres = new float[clusters][D_IN];
    for (float[] c : centres) for (int d = 0; d < D_IN; d++) c[d] = (float) r.nextGaussian();
    float[] w = new float[clusters * per * D_IN];
    for (int i = 0; i < clusters * per; i++) {
      for (int d = 0; d < D_IN; d++) w[i * D_IN + d] = centres[i % clusters][d] + (float) (0.15 * r.nextGaussian());
    }
    return HostTensor.of(w, clusters * per, D_IN);
  }

  static SimilarFeatures similar(HostTensor w) {
    try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      return SimilarFeatures.compute(w, null, SimilarFeatures.K, w.rows(), m, () -> {});
    }
  }

  @Test
  void fuzzyWeightsMeetUmapsTarget() {
    double[] d = {0.2, 0.25, 0.3, 0.5, 0.9, 0.0, 0.4};
    double[] w = new double[d.length];
    MapLayout.fuzzyWeights(d, d.length, w, 0);
    // rho is the smallest non-zero distance: its weight, and that of the zero distance, is 1.
    assertEquals(1.0, w[0], 0);
    assertEquals(1.0, w[5], 0);
    double sum = 0;
    for (double x : w) sum += x;
    assertEquals(Math.log(d.length + 1) / Math.log(2), sum, 1e-4);
    for (int r = 1; r < d.length; r++) {
      if (d[r] > d[0]) assertTrue(w[r] < 1 && w[r] > 0, "weight " + r + " is " + w[r]);
    }
    assertTrue(w[1] > w[2] && w[2] > w[6] && w[6] > w[3] && w[3] > w[4], "weights fall with distance");
  }

  @Test
  void clustersOfDecoderDirectionsStayApartAndDeadFeaturesAreLeftOut() {
    int clusters = 4;
    int per = 40;
    HostTensor w = clustered(clusters, per, 3);
    boolean[] live = new boolean[w.rows()];
    for (int i = 0; i < live.length; i++) live[i] = i % 7 != 3;
    FeatureMap map = MapLayout.compute(w, similar(w), live, 11);
    List<Integer> want = new ArrayList<>();
    for (int i = 0; i < live.length; i++) if (live[i]) want.add(i);
    assertEquals(want, map.points().stream().map(MapPoint::feature).toList());
    // Every point is nearer its own cluster's centroid than any other's, and the clusters are well apart.
    double[][] centroid = new double[clusters][2];
    int[] count = new int[clusters];
    for (MapPoint p : map.points()) {
      int c = p.feature() % clusters;
      centroid[c][0] += p.x();
      centroid[c][1] += p.y();
      count[c]++;
    }
    for (int c = 0; c < clusters; c++) {
      centroid[c][0] /= count[c];
      centroid[c][1] /= count[c];
    }
    double spread = 0;
    for (MapPoint p : map.points()) {
      int own = p.feature() % clusters;
      double best = Double.POSITIVE_INFINITY;
      int nearest = -1;
      for (int c = 0; c < clusters; c++) {
        double dist = Math.hypot(p.x() - centroid[c][0], p.y() - centroid[c][1]);
        if (dist < best) {
          best = dist;
          nearest = c;
        }
      }
      assertEquals(own, nearest, "feature " + p.feature() + " lies nearer cluster " + nearest);
      spread = Math.max(spread, best);
    }
    double gap = Double.POSITIVE_INFINITY;
    for (int a = 0; a < clusters; a++) {
      for (int b = a + 1; b < clusters; b++) {
        gap = Math.min(gap, Math.hypot(centroid[a][0] - centroid[b][0], centroid[a][1] - centroid[b][1]));
      }
    }
    assertTrue(gap > 2 * spread, "clusters " + gap + " apart, points up to " + spread + " from their centroid");
  }

  @Test
  void sameSeedSameMapAnotherSeedAnother() {
    HostTensor w = clustered(3, 30, 5);
    boolean[] live = new boolean[w.rows()];
    java.util.Arrays.fill(live, true);
    SimilarFeatures s = similar(w);
    FeatureMap a = MapLayout.compute(w, s, live, 1);
    assertEquals(a, MapLayout.compute(w, s, live, 1));
    assertNotEquals(a, MapLayout.compute(w, s, live, 2));
  }

  @Test
  void generationWritesTheLiveFeaturesMap() throws Exception {
    TinyInputs in = new TinyInputs(dir, CorrelationBudgetTest.HOOK, Architecture.TOPK, 6, 16, 9);
    GenerateRequest req = new GenerateRequest(in.model, in.sae, null, in.tokens, null, null, "cpu", 3, 13, null, null);
    Path out = dir.resolve("data");
    new Generation(new Stages(), new PrintStream(OutputStream.nullOutputStream()), MemoryBudget.defaults()).run(req, out);
    Manifest manifest = DataDir.readManifest(out);
    assertEquals(3, manifest.formatVersion());
    FeatureMap map = FeatureMap.read(out, manifest).orElseThrow();
    assertEquals(FeatureMap.METHOD, map.method());
    List<Integer> live = new ArrayList<>();
    for (FeatureRecord f : DataDir.readFeatures(out, manifest)) if (f.density() > 0) live.add(f.index());
    assertTrue(live.size() > 1, live.size() + " live features");
    assertEquals(live, map.points().stream().map(MapPoint::feature).toList());
  }
}
