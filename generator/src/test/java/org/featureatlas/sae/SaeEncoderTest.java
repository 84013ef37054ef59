package org.featureatlas.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.SafeTensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaeEncoderTest {
  private static final int D_IN = 24;
  private static final int D_SAE = 40;
  private static final int N = 30;

  /** Float64 reference of feature-math.md section 2, written from the definition. */
  static double[][] reference(SaeWeights w, float[] x) {
    SaeConfig c = w.config();
    double[][] f = new double[N][D_SAE];
    for (int n = 0; n < N; n++) {
      double[] pre = new double[D_SAE];
      for (int i = 0; i < D_SAE; i++) {
        double s = w.bEnc().data()[i];
        for (int j = 0; j < D_IN; j++) {
          double in = x[n * D_IN + j] - (c.applyBDecToInput() ? w.bDec().data()[j] : 0.0);
          s += in * w.wEnc().data()[j * D_SAE + i];
        }
        pre[i] = s;
      }
      for (int i = 0; i < D_SAE; i++) {
        switch (c.architecture()) {
          case STANDARD -> f[n][i] = Math.max(pre[i], 0);
          case JUMPRELU -> f[n][i] = pre[i] > w.threshold().data()[i] ? pre[i] : 0;
          case TOPK -> {
            int larger = 0;
            for (int j = 0; j < D_SAE; j++) {
              if (pre[j] > pre[i]) {
                larger++;
              }
            }
            f[n][i] = larger < c.k() ? Math.max(pre[i], 0) : 0;
          }
        }
      }
    }
    return f;
  }

  private static float[] input(long seed) {
    Random r = new Random(seed);
    float[] x = new float[N * D_IN];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (2 * r.nextGaussian());
    }
    return x;
  }

  private static void check(SaeConfig cfg, long seed) {
    SaeWeights w = SaeWeights.random(cfg, seed, 2.0);
    // Push b_enc up so that both signs of pre-activation occur for every architecture.
    for (int i = 0; i < D_SAE; i++) {
      w.bEnc().data()[i] += 2f;
    }
    float[] x = input(seed + 1);
    double[][] ref = reference(w, x);
    try (NDManager root = NDManager.newBaseManager("PyTorch");
        SaeEncoder enc = new SaeEncoder(w, root);
        NDManager batch = root.newSubManager()) {
      NDArray f = enc.encode(batch.create(x, new Shape(N, D_IN)));
      assertEquals(new Shape(N, D_SAE), f.getShape());
      assertEquals(DataType.FLOAT32, f.getDataType());
      assertTrue(f.getManager() == batch);
      assertEquals(2, batch.getManagedArrays().size(), "only x and f remain");
      float[] got = f.toFloatArray();
      int active = 0;
      int zero = 0;
      for (int n = 0; n < N; n++) {
        int rowActive = 0;
        for (int i = 0; i < D_SAE; i++) {
          assertEquals(ref[n][i], got[n * D_SAE + i], 1e-4 * Math.max(1, Math.abs(ref[n][i])),
              cfg.architecture() + " row " + n + " feature " + i);
          if (ref[n][i] > 0) {
            rowActive++;
          }
        }
        if (cfg.architecture() == Architecture.TOPK) {
          assertTrue(rowActive <= cfg.k());
        }
        active += rowActive;
        zero += D_SAE - rowActive;
      }
      assertTrue(active > 0 && zero > 0, "test inputs must produce both active and inactive features");
    }
  }

  @Test
  void standardMatchesReference() {
    check(new SaeConfig(Architecture.STANDARD, D_IN, D_SAE, "blocks.0.hook_resid_pre", true, 0, null, null), 1);
  }

  @Test
  void standardWithoutBDecOnInput() {
    check(new SaeConfig(Architecture.STANDARD, D_IN, D_SAE, "blocks.0.hook_resid_pre", false, 0, null, null), 2);
  }

  @Test
  void jumpReluMatchesReference() {
    check(new SaeConfig(Architecture.JUMPRELU, D_IN, D_SAE, "blocks.0.hook_resid_pre", true, 0, null, null), 3);
  }

  @Test
  void topkMatchesReference() {
    check(new SaeConfig(Architecture.TOPK, D_IN, D_SAE, "blocks.0.hook_resid_pre", true, 5, null, null), 4);
  }

  @Test
  void randomSaeIsSparseForInputsOfTheStatedScale() {
    SaeConfig cfg = new SaeConfig(Architecture.STANDARD, D_IN, D_SAE, "blocks.0.hook_resid_pre", true, 0, null, null);
    SaeWeights w = SaeWeights.random(cfg, 9, 2.0);
    double[][] f = reference(w, input(10));
    long active = Arrays.stream(f).flatMapToDouble(Arrays::stream).filter(v -> v > 0).count();
    double density = active / (double) (N * D_SAE);
    assertTrue(density > 0.001 && density < 0.1, "density " + density);
  }

  @Test
  void saveLoadRoundTrip(@TempDir Path dir) {
    SaeConfig cfg = new SaeConfig(Architecture.JUMPRELU, D_IN, D_SAE, "blocks.1.hook_resid_post", true, 0, true, "m");
    SaeWeights w = SaeWeights.random(cfg, 5);
    w.save(dir);
    SaeWeights back = SaeWeights.load(dir);
    assertEquals(cfg, back.config());
    assertTrue(Arrays.equals(w.wEnc().data(), back.wEnc().data()));
    assertTrue(Arrays.equals(w.bEnc().data(), back.bEnc().data()));
    assertTrue(Arrays.equals(w.wDec().data(), back.wDec().data()));
    assertTrue(Arrays.equals(w.bDec().data(), back.bDec().data()));
    assertTrue(Arrays.equals(w.threshold().data(), back.threshold().data()));
  }

  private static String loadError(Path dir) {
    String msg = assertThrows(AtlasException.class, () -> SaeWeights.load(dir)).getMessage();
    assertFalse(msg.contains("\n"), msg);
    return msg;
  }

  @Test
  void loadErrors(@TempDir Path dir) throws Exception {
    SaeConfig cfg = new SaeConfig(Architecture.JUMPRELU, D_IN, D_SAE, "blocks.1.hook_resid_post", true, 0, null, null);
    SaeWeights w = SaeWeights.random(cfg, 6);
    w.save(dir);
    Path file = dir.resolve(SaeWeights.WEIGHTS_FILE);
    Map<String, HostTensor> t = new TreeMap<>();
    t.put("W_enc", w.wEnc());
    t.put("b_enc", w.bEnc());
    t.put("W_dec", HostTensor.of(new float[D_SAE * (D_IN + 1)], D_SAE, D_IN + 1));
    t.put("b_dec", w.bDec());
    t.put("threshold", w.threshold());
    SafeTensorsWriter.write(file, t, false, Map.of());
    String msg = loadError(dir);
    assertTrue(msg.startsWith(file.toString()) && msg.contains("W_dec") && msg.contains("[40, 25]")
        && msg.contains("[40, 24]"), msg);

    t.put("W_dec", w.wDec());
    t.remove("threshold");
    SafeTensorsWriter.write(file, t, false, Map.of());
    msg = loadError(dir);
    assertTrue(msg.startsWith(file.toString()) && msg.contains("threshold"), msg);

    float[] nan = w.bEnc().data().clone();
    nan[11] = Float.POSITIVE_INFINITY;
    t.put("threshold", w.threshold());
    t.put("b_enc", HostTensor.of(nan, D_SAE));
    SafeTensorsWriter.write(file, t, false, Map.of());
    msg = loadError(dir);
    assertTrue(msg.startsWith(file.toString()) && msg.contains("b_enc") && msg.contains("Infinity"), msg);

    Files.delete(dir.resolve("cfg.json"));
    msg = loadError(dir);
    assertTrue(msg.contains("cfg.json"), msg);
  }
}
