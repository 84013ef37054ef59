package org.featureatlas.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.SafeTensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SAE formats beside SAELens, each encoded against a float64 computation written from that
 * format's own published code (cited per test), independent of the atlas's loaders and encoder.
 */
class SaeFormatsTest {
  private static final int D_IN = 12;
  private static final int D_SAE = 20;
  private static final int N = 16;
  @TempDir Path dir;

  private static float[] input(long seed, double scale) {
    Random r = new Random(seed);
    float[] x = new float[N * D_IN];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (scale * r.nextGaussian());
    }
    return x;
  }

  private static float[] gaussian(long seed, int n, double scale, double mean) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (mean + scale * r.nextGaussian());
    }
    return a;
  }

  private static float[] encode(SaeWeights w, float[] x) {
    try (NDManager root = NDManager.newBaseManager("PyTorch"); SaeEncoder enc = new SaeEncoder(w, root)) {
      return enc.encode(root.create(x, new Shape(N, D_IN))).toFloatArray();
    }
  }

  private static void assertClose(double[][] ref, float[] got) {
    int active = 0;
    for (int n = 0; n < N; n++) {
      for (int i = 0; i < D_SAE; i++) {
        assertEquals(ref[n][i], got[n * D_SAE + i], 1e-4 * Math.max(1, Math.abs(ref[n][i])), "row " + n + " f " + i);
        active += ref[n][i] != 0 ? 1 : 0;
      }
    }
    assertTrue(active > 0 && active < N * D_SAE, "inputs must give both active and inactive features");
  }

  private static void assertOneLine(String msg, String... parts) {
    assertFalse(msg.contains("\n"), msg);
    for (String p : parts) {
      assertTrue(msg.contains(p), "expected '" + p + "' in: " + msg);
    }
  }

  // ---------------------------------------------------------------------------- Gemma Scope

  /** A Gemma Scope params.npz: W_enc [d_in, d_sae], W_dec [d_sae, d_in], b_enc, b_dec, threshold. */
  private Map<String, HostTensor> gemmaParams() {
    Map<String, HostTensor> p = new TreeMap<>();
    p.put("W_enc", HostTensor.of(gaussian(1, D_IN * D_SAE, 0.3, 0), D_IN, D_SAE));
    p.put("W_dec", HostTensor.of(gaussian(2, D_SAE * D_IN, 0.3, 0), D_SAE, D_IN));
    p.put("b_enc", HostTensor.of(gaussian(3, D_SAE, 0.2, 0.1), D_SAE));
    p.put("b_dec", HostTensor.of(gaussian(4, D_IN, 1.0, 0), D_IN)); // large: subtracting it would show
    float[] th = gaussian(5, D_SAE, 0.2, 0.5);
    for (int i = 0; i < D_SAE; i++) {
      th[i] = Math.abs(th[i]);
    }
    p.put("threshold", HostTensor.of(th, D_SAE));
    return p;
  }

  /**
   * Gemma Scope's JumpReLU as its tutorial and SAELens's JumpReLUSAE (with the gemma_2 loader's
   * apply_b_dec_to_input False) compute it: pre = x @ W_enc + b_enc; f = relu(pre) * [pre > threshold].
   */
  private static double[][] gemmaReference(Map<String, HostTensor> p, float[] x) {
    double[][] f = new double[N][D_SAE];
    for (int n = 0; n < N; n++) {
      for (int i = 0; i < D_SAE; i++) {
        double pre = p.get("b_enc").data()[i];
        for (int j = 0; j < D_IN; j++) {
          pre += (double) x[n * D_IN + j] * p.get("W_enc").data()[j * D_SAE + i];
        }
        f[n][i] = pre > p.get("threshold").data()[i] ? Math.max(pre, 0) : 0;
      }
    }
    return f;
  }

  @Test
  void gemmaScopeParamsNpzEncodesAsGemmaScope() throws IOException {
    Path sae = dir.resolve("layer_3/width_16k/average_l0_5");
    Files.createDirectories(sae);
    Map<String, HostTensor> p = gemmaParams();
    org.featureatlas.io.Npz.writeFloats(sae.resolve("params.npz"), p);
    Files.writeString(sae.resolve("atlas.json"), "{\"hook_name\": \"blocks.3.hook_resid_post\"}");
    SaeWeights w = SaeWeights.load(sae);
    assertEquals(SaeFormat.GEMMA_SCOPE, w.format());
    assertEquals(List.of("atlas.json", "params.npz"), w.files());
    assertEquals("atlas.json", w.hookFile());
    SaeConfig c = w.config();
    assertEquals(Architecture.JUMPRELU, c.architecture());
    assertEquals(D_IN, c.dIn());
    assertEquals(D_SAE, c.dSae());
    assertEquals("blocks.3.hook_resid_post", c.hookName());
    assertFalse(c.applyBDecToInput());
    assertFalse(c.centringApplies(), "Gemma Scope was trained on the raw model's activations");
    assertArrayEquals(p.get("W_dec").data(), w.wDec().data());
    float[] x = input(6, 1.0);
    assertClose(gemmaReference(p, x), encode(w, x));
  }

  @Test
  void gemmaScopeWithoutAtlasJsonNamesTheFolder() throws IOException {
    Path sae = dir.resolve("g");
    Files.createDirectories(sae);
    org.featureatlas.io.Npz.writeFloats(sae.resolve("params.npz"), gemmaParams());
    String msg = assertThrows(AtlasException.class, () -> SaeWeights.load(sae)).getMessage();
    assertOneLine(msg, sae.toString(), "atlas.json", "hook_name");
  }

  @Test
  void gemmaScopeRefusesOtherDtypesAndMissingArrays() throws IOException {
    Path sae = dir.resolve("g");
    Files.createDirectories(sae);
    Files.writeString(sae.resolve("atlas.json"), "{\"hook_name\": \"blocks.3.hook_resid_post\"}");
    // A float64 array, written by hand as np.savez would: a zip of .npy entries.
    Map<String, HostTensor> p = gemmaParams();
    try (OutputStream out = Files.newOutputStream(sae.resolve("params.npz"));
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (String name : List.of("W_enc", "W_dec", "b_enc", "b_dec", "threshold")) {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        zip.write(npyF8(p.get(name)));
        zip.closeEntry();
      }
    }
    String msg = assertThrows(AtlasException.class, () -> SaeWeights.load(sae)).getMessage();
    assertOneLine(msg, sae.resolve("params.npz").toString(), "'<f8'", "float32");

    p.remove("threshold");
    org.featureatlas.io.Npz.writeFloats(sae.resolve("params.npz"), p);
    msg = assertThrows(AtlasException.class, () -> SaeWeights.load(sae)).getMessage();
    assertOneLine(msg, sae.resolve("params.npz").toString(), "no array threshold");

    Files.writeString(sae.resolve("params.npz"), "not a zip");
    msg = assertThrows(AtlasException.class, () -> SaeWeights.load(sae)).getMessage();
    assertOneLine(msg, sae.resolve("params.npz").toString(), "not a .npz");
  }

  private static byte[] npyF8(HostTensor t) {
    String shape = t.rank() == 1 ? t.shape()[0] + "," : t.shape()[0] + ", " + t.shape()[1];
    String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + shape + "), }";
    String header = dict + " ".repeat(127 - 10 - dict.length()) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (float v : t.data()) {
      b.putDouble(v);
    }
    return b.array();
  }

  // ---------------------------------------------------------------------------- sparsify

  private static final int K = 4;

  /** sparsify's sae.safetensors: encoder.weight [d_sae, d_in] (nn.Linear layout), encoder.bias, W_dec, b_dec. */
  private Map<String, HostTensor> sparsifyTensors() {
    Map<String, HostTensor> t = new TreeMap<>();
    t.put("encoder.weight", HostTensor.of(gaussian(11, D_SAE * D_IN, 0.3, 0), D_SAE, D_IN));
    t.put("encoder.bias", HostTensor.of(gaussian(12, D_SAE, 0.3, -0.2), D_SAE));
    t.put("W_dec", HostTensor.of(gaussian(13, D_SAE * D_IN, 0.3, 0), D_SAE, D_IN));
    t.put("b_dec", HostTensor.of(gaussian(14, D_IN, 1.0, 0), D_IN));
    return t;
  }

  private Path sparsifyFolder(String name, String cfgJson) throws IOException {
    Path sae = dir.resolve(name);
    Files.createDirectories(sae);
    Files.writeString(sae.resolve("cfg.json"), cfgJson);
    SafeTensorsWriter.write(sae.resolve("sae.safetensors"), sparsifyTensors(), "F32",
        Map.of());
    return sae;
  }

  private static String sparsifyCfg(String extra) {
    return "{\"activation\": \"topk\", \"expansion_factor\": 32, \"normalize_decoder\": true, \"num_latents\": "
        + D_SAE + ", \"k\": " + K + ", \"multi_topk\": false, \"skip_connection\": false, \"transcode\": false, "
        + "\"d_in\": " + D_IN + extra + "}";
  }

  /**
   * sparsify's SparseCoder.encode (sparsify/sparse_coder.py, fused_encoder.py): x - b_dec, then
   * relu(F.linear(x, encoder.weight, encoder.bias)) = relu((x - b_dec) @ encoder.weight.T + bias),
   * then the k largest per row; everything else is 0.
   */
  private static double[][] sparsifyReference(Map<String, HostTensor> t, float[] x) {
    double[][] f = new double[N][D_SAE];
    for (int n = 0; n < N; n++) {
      double[] acts = new double[D_SAE];
      for (int i = 0; i < D_SAE; i++) {
        double pre = t.get("encoder.bias").data()[i];
        for (int j = 0; j < D_IN; j++) {
          pre += ((double) x[n * D_IN + j] - t.get("b_dec").data()[j]) * t.get("encoder.weight").data()[i * D_IN + j];
        }
        acts[i] = Math.max(pre, 0);
      }
      for (int i = 0; i < D_SAE; i++) {
        int larger = 0;
        for (int j = 0; j < D_SAE; j++) {
          larger += acts[j] > acts[i] ? 1 : 0;
        }
        f[n][i] = larger < K ? acts[i] : 0;
      }
    }
    return f;
  }

  @Test
  void sparsifyFolderEncodesAsSparsify() throws IOException {
    Path sae = sparsifyFolder("layers.3", sparsifyCfg(""));
    SaeWeights w = SaeWeights.load(sae);
    assertEquals(SaeFormat.SPARSIFY, w.format());
    assertEquals(List.of("cfg.json", "sae.safetensors"), w.files());
    SaeConfig c = w.config();
    assertEquals(Architecture.TOPK, c.architecture());
    assertEquals(K, c.k());
    assertEquals(D_IN, c.dIn());
    assertEquals(D_SAE, c.dSae());
    assertTrue(c.applyBDecToInput());
    assertFalse(c.centringApplies(), "sparsify trains on the raw model's activations");
    assertEquals("blocks.3.hook_resid_post", c.hookName());
    assertArrayEquals(sparsifyTensors().get("W_dec").data(), w.wDec().data());
    float[] x = input(15, 1.0);
    assertClose(sparsifyReference(sparsifyTensors(), x), encode(w, x));
  }

  @Test
  void sparsifyHookpointNames() throws IOException {
    assertEquals("blocks.2.hook_mlp_out", SaeWeights.load(sparsifyFolder("layers.2.mlp", sparsifyCfg(""))).config().hookName());
    assertEquals("blocks.5.hook_resid_post",
        SaeWeights.load(sparsifyFolder("gpt_neox.layers.5", sparsifyCfg(""))).config().hookName());
    assertEquals("blocks.1.hook_resid_post", SaeWeights.load(sparsifyFolder("model.layers_1", sparsifyCfg(""))).config().hookName());
    Path other = sparsifyFolder("embed_tokens", sparsifyCfg(""));
    String msg = assertThrows(AtlasException.class, () -> SaeWeights.load(other)).getMessage();
    assertOneLine(msg, other.toString(), "embed_tokens", "atlas.json");
    Files.writeString(other.resolve("atlas.json"), "{\"hook_name\": \"blocks.0.hook_resid_pre\", \"model_name\": \"m\"}");
    SaeWeights w = SaeWeights.load(other);
    assertEquals("blocks.0.hook_resid_pre", w.config().hookName());
    assertEquals("m", w.config().modelName());
    assertEquals(List.of("atlas.json", "cfg.json", "sae.safetensors"), w.files());
  }

  @Test
  void sparsifyRefusesWhatItCannotEncode() throws IOException {
    for (String[] c : new String[][] {
        {sparsifyCfg("").replace("\"topk\"", "\"groupmax\""), "activation 'groupmax' is not supported"},
        {sparsifyCfg("").replace("\"transcode\": false", "\"transcode\": true"), "transcode: true"},
        {sparsifyCfg("").replace("\"k\": " + K, "\"k\": 0"), "k must be a positive integer"},
        {sparsifyCfg("").replace("\"num_latents\": " + D_SAE, "\"num_latents\": 30"), "encoder.weight has shape [20, 12], expected [30, 12]"},
        {"{\"k\": 4}", "missing field d_in"}}) {
      Path sae = sparsifyFolder("layers.1", c[0]);
      String msg = assertThrows(AtlasException.class, () -> SaeWeights.load(sae)).getMessage();
      assertOneLine(msg, sae.toString(), c[1]);
    }
  }

  // ---------------------------------------------------------------------------- SAELens scaling

  private static final double SCALE = 0.37;

  /**
   * SAELens trains an expected_average_only_in SAE on x * s (ActivationScaler.scale), with the
   * unfolded weights: f = relu((x * s - b_dec) @ W_enc + b_enc) for a standard SAE.
   */
  private static double[][] scaledReference(SaeWeights raw, float[] x) {
    double[][] f = new double[N][D_SAE];
    for (int n = 0; n < N; n++) {
      for (int i = 0; i < D_SAE; i++) {
        double pre = raw.bEnc().data()[i];
        for (int j = 0; j < D_IN; j++) {
          pre += ((double) x[n * D_IN + j] * SCALE - raw.bDec().data()[j]) * raw.wEnc().data()[j * D_SAE + i];
        }
        f[n][i] = Math.max(pre, 0);
      }
    }
    return f;
  }

  private SaeWeights scaledSae(Path sae, String scalerJson, String cfgExtra) throws IOException {
    SaeConfig cfg = new SaeConfig(Architecture.STANDARD, D_IN, D_SAE, "blocks.1.hook_resid_post", true, 0, null, null);
    SaeWeights raw = SaeWeights.random(cfg, 21, 1.0);
    for (int i = 0; i < D_SAE; i++) {
      raw.bEnc().data()[i] += 2f;
    }
    raw.save(sae);
    String json = Files.readString(sae.resolve("cfg.json"));
    Files.writeString(sae.resolve("cfg.json"), json.replaceFirst("\\{",
        "{\"normalize_activations\": \"expected_average_only_in\", " + cfgExtra));
    if (scalerJson != null) {
      Files.writeString(sae.resolve("activation_scaler.json"), scalerJson);
    }
    return raw;
  }

  @Test
  void expectedAverageOnlyInFoldsTheScalingFactor() throws IOException {
    Path a = dir.resolve("a");
    SaeWeights raw = scaledSae(a, "{\"scaling_factor\": " + SCALE + "}", "");
    SaeWeights w = SaeWeights.load(a);
    assertEquals(List.of("cfg.json", "sae_weights.safetensors", "activation_scaler.json"), w.files());
    float[] x = input(22, 3.0);
    assertClose(scaledReference(raw, x), encode(w, x));
    // The decoder gives raw-scale outputs: W_dec / s and b_dec / s.
    assertEquals(raw.wDec().data()[7] / SCALE, w.wDec().data()[7], 1e-6);
    assertEquals(raw.bDec().data()[3] / SCALE, w.bDec().data()[3], 1e-6);

    Path b = dir.resolve("b");
    raw = scaledSae(b, null, "\"norm_scaling_factor\": " + SCALE + ", ");
    w = SaeWeights.load(b);
    assertEquals(List.of("cfg.json", "sae_weights.safetensors", "cfg.json"), w.files());
    assertClose(scaledReference(raw, x), encode(w, x));
  }

  @Test
  void expectedAverageOnlyInWithoutAFactorIsRefused() throws IOException {
    Path a = dir.resolve("a");
    scaledSae(a, null, "");
    String msg = assertThrows(AtlasException.class, () -> SaeWeights.load(a)).getMessage();
    assertOneLine(msg, a.resolve("cfg.json").toString(), "activation_scaler.json", "norm_scaling_factor");
    Files.writeString(a.resolve("activation_scaler.json"), "{\"scaling_factor\": -1}");
    msg = assertThrows(AtlasException.class, () -> SaeWeights.load(a)).getMessage();
    assertOneLine(msg, a.resolve("activation_scaler.json").toString(), "positive");
  }

  @Test
  void anUnknownFolderIsNamed() throws IOException {
    Path sae = dir.resolve("empty");
    Files.createDirectories(sae);
    Files.writeString(sae.resolve("cfg.json"), "{}");
    String msg = assertThrows(AtlasException.class, () -> SaeWeights.load(sae)).getMessage();
    assertOneLine(msg, sae + ": not an SAE folder", "sae_weights.safetensors", "sae.safetensors", "params.npz");
  }
}
