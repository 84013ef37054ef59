package org.featureatlas.sae;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.SafeTensors;
import org.featureatlas.io.SafeTensorsWriter;

/**
 * A SAELens SAE on the host: {@code W_enc [d_in, d_sae]}, {@code b_enc [d_sae]},
 * {@code W_dec [d_sae, d_in]}, {@code b_dec [d_in]} and, for JumpReLU, {@code threshold [d_sae]}.
 */
public final class SaeWeights {
  public static final String WEIGHTS_FILE = "sae_weights.safetensors";

  private final SaeConfig config;
  private final HostTensor wEnc;
  private final HostTensor bEnc;
  private final HostTensor wDec;
  private final HostTensor bDec;
  private final HostTensor threshold;
  private final SaeFormat format;
  private final List<String> files;

  /** Checks shapes against {@code config}; {@code threshold} may be null except for JumpReLU. */
  public SaeWeights(SaeConfig config, HostTensor wEnc, HostTensor bEnc, HostTensor wDec, HostTensor bDec,
      HostTensor threshold) {
    this(config, wEnc, bEnc, wDec, bDec, threshold, SaeFormat.SAELENS, SaeFormat.SAELENS.files());
  }

  /**
   * As {@link #SaeWeights(SaeConfig, HostTensor, HostTensor, HostTensor, HostTensor, HostTensor)}, for
   * weights read from a folder of {@code format} whose files (names in the folder) were {@code files}.
   */
  public SaeWeights(SaeConfig config, HostTensor wEnc, HostTensor bEnc, HostTensor wDec, HostTensor bDec,
      HostTensor threshold, SaeFormat format, List<String> files) {
    long dIn = config.dIn();
    long dSae = config.dSae();
    shape("W_enc", wEnc, dIn, dSae);
    shape("b_enc", bEnc, dSae);
    shape("W_dec", wDec, dSae, dIn);
    shape("b_dec", bDec, dIn);
    if (threshold != null) {
      shape("threshold", threshold, dSae);
    }
    Check.that(config.architecture() != Architecture.JUMPRELU || threshold != null,
        "jumprelu SAE without a threshold tensor");
    this.config = config;
    this.wEnc = wEnc;
    this.bEnc = bEnc;
    this.wDec = wDec;
    this.bDec = bDec;
    this.threshold = threshold;
    this.format = format;
    this.files = List.copyOf(files);
  }

  private static void shape(String name, HostTensor t, long... expected) {
    Check.that(t != null, "missing tensor " + name);
    Check.that(t.hasShape(expected), "tensor " + name + " has shape " + Arrays.toString(t.shape())
        + ", expected " + Arrays.toString(expected) + " from cfg.json (d_in, d_sae)");
  }

  /**
   * Loads the SAE in {@code saeDir}, whose format is detected from its files ({@link SaeFormat#detect}):
   * a SAELens folder, an EleutherAI sparsify folder or a Gemma Scope {@code params.npz}.
   */
  public static SaeWeights load(Path saeDir) {
    return switch (SaeFormat.detect(saeDir)) {
      case SAELENS -> loadSaeLens(saeDir);
      case SPARSIFY -> SparsifySae.load(saeDir);
      case GEMMA_SCOPE -> GemmaScopeSae.load(saeDir);
    };
  }

  /**
   * Loads {@code saeDir/cfg.json} and {@code saeDir/sae_weights.safetensors}. With
   * {@code normalize_activations: expected_average_only_in}, the scaling factor is folded into the
   * weights as SAELens's {@code fold_activation_norm_scaling_factor} does ({@link NormScaling}).
   */
  static SaeWeights loadSaeLens(Path saeDir) {
    Check.directory(saeDir);
    Path cfgFile = saeDir.resolve(SaeConfig.FILE);
    SaeConfig config = SaeConfig.read(cfgFile);
    Path file = saeDir.resolve(WEIGHTS_FILE);
    try (SafeTensors st = SafeTensors.open(file)) {
      long dIn = config.dIn();
      long dSae = config.dSae();
      Map<String, long[]> expected = new LinkedHashMap<>();
      expected.put("W_enc", new long[] {dIn, dSae});
      expected.put("b_enc", new long[] {dSae});
      expected.put("W_dec", new long[] {dSae, dIn});
      expected.put("b_dec", new long[] {dIn});
      if (config.architecture() == Architecture.JUMPRELU) {
        expected.put("threshold", new long[] {dSae});
      }
      // Compare d_in and d_sae with the header before reading any data, so that a cfg.json claiming
      // sizes the file cannot hold fails at once.
      for (Map.Entry<String, long[]> e : expected.entrySet()) {
        Check.file(st.has(e.getKey()), file, "missing tensor " + e.getKey());
        long[] found = st.shape(e.getKey());
        Check.file(Arrays.equals(found, e.getValue()), file, "tensor " + e.getKey() + " has shape "
            + Arrays.toString(found) + ", expected " + Arrays.toString(e.getValue()) + " from "
            + SaeConfig.FILE + " (d_in " + dIn + ", d_sae " + dSae + ")");
      }
      Map<String, HostTensor> t = new TreeMap<>();
      for (String name : expected.keySet()) {
        HostTensor value = st.get(name);
        Check.finite(value.data(), file, name);
        t.put(name, value);
      }
      List<String> files = new ArrayList<>(SaeFormat.SAELENS.files());
      if (SaeConfig.EXPECTED_AVERAGE.equals(SaeConfig.normalization(cfgFile))) {
        NormScaling scaling = NormScaling.read(saeDir);
        scaling.fold(t);
        files.add(scaling.file());
      }
      try {
        return new SaeWeights(config, t.get("W_enc"), t.get("b_enc"), t.get("W_dec"), t.get("b_dec"),
            t.get("threshold"), SaeFormat.SAELENS, files);
      } catch (AtlasException e) {
        throw new AtlasException(file + ": " + e.getMessage());
      }
    }
  }

  /** {@link #random(SaeConfig, long, double)} for inputs of unit scale. */
  public static SaeWeights random(SaeConfig config, long seed) {
    return random(config, seed, 1.0);
  }

  /**
   * Deterministic random weights for tests and benchmarks, sparse for inputs whose entries have
   * standard deviation about {@code inputStd}: pre-activations are roughly N(-2, 1), so a few
   * percent of features fire. Decoder rows have unit norm; JumpReLU thresholds lie in [0, 0.5).
   */
  public static SaeWeights random(SaeConfig config, long seed, double inputStd) {
    int dIn = config.dIn();
    int dSae = config.dSae();
    Random r = new Random(seed);
    float[] wEnc = new float[dIn * dSae];
    double scale = 1.0 / (Math.sqrt(dIn) * inputStd);
    for (int i = 0; i < wEnc.length; i++) {
      wEnc[i] = (float) (scale * r.nextGaussian());
    }
    float[] bEnc = new float[dSae];
    for (int i = 0; i < dSae; i++) {
      bEnc[i] = (float) (-2.0 + 0.3 * r.nextGaussian());
    }
    float[] wDec = new float[dSae * dIn];
    for (int f = 0; f < dSae; f++) {
      double norm = 0;
      for (int j = 0; j < dIn; j++) {
        double v = r.nextGaussian();
        wDec[f * dIn + j] = (float) v;
        norm += v * v;
      }
      float inv = (float) (1.0 / Math.sqrt(norm));
      for (int j = 0; j < dIn; j++) {
        wDec[f * dIn + j] *= inv;
      }
    }
    float[] bDec = new float[dIn];
    for (int j = 0; j < dIn; j++) {
      bDec[j] = (float) (0.1 * inputStd * r.nextGaussian());
    }
    HostTensor threshold = null;
    if (config.architecture() == Architecture.JUMPRELU) {
      float[] th = new float[dSae];
      for (int i = 0; i < dSae; i++) {
        th[i] = (float) (0.5 * r.nextDouble());
      }
      threshold = HostTensor.of(th, dSae);
    }
    return new SaeWeights(config, HostTensor.of(wEnc, dIn, dSae), HostTensor.of(bEnc, dSae),
        HostTensor.of(wDec, dSae, dIn), HostTensor.of(bDec, dIn), threshold);
  }

  /** Writes {@code cfg.json} and {@code sae_weights.safetensors} (F32) into {@code saeDir}. */
  public void save(Path saeDir) {
    try {
      Files.createDirectories(saeDir);
    } catch (IOException e) {
      throw IoErrors.writing(saeDir, e);
    }
    config.write(saeDir.resolve(SaeConfig.FILE));
    Map<String, HostTensor> t = new TreeMap<>();
    t.put("W_enc", wEnc);
    t.put("b_enc", bEnc);
    t.put("W_dec", wDec);
    t.put("b_dec", bDec);
    if (threshold != null) {
      t.put("threshold", threshold);
    }
    SafeTensorsWriter.write(saeDir.resolve(WEIGHTS_FILE), t, false, Map.of());
  }

  public SaeConfig config() {
    return config;
  }

  /** The format of the folder these weights were read from ({@link SaeFormat#SAELENS} when made in memory). */
  public SaeFormat format() {
    return format;
  }

  /**
   * The folder's files these weights were read from, the file naming the hook first (for identity
   * hashes and error messages).
   */
  public List<String> files() {
    return files;
  }

  /** The file of the folder that names the hook ({@code cfg.json} or {@code atlas.json}). */
  public String hookFile() {
    return files.get(0);
  }

  /** {@code [d_in, d_sae]}. */
  public HostTensor wEnc() {
    return wEnc;
  }

  /** {@code [d_sae]}. */
  public HostTensor bEnc() {
    return bEnc;
  }

  /** {@code [d_sae, d_in]}. */
  public HostTensor wDec() {
    return wDec;
  }

  /** {@code [d_in]}. */
  public HostTensor bDec() {
    return bDec;
  }

  /** {@code [d_sae]}, or null when the SAE is not JumpReLU. */
  public HostTensor threshold() {
    return threshold;
  }
}
