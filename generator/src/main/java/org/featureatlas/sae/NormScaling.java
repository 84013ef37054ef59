package org.featureatlas.sae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;
import org.featureatlas.io.HostTensor;

/**
 * The scaling factor {@code s} of a SAELens SAE trained with {@code normalize_activations:
 * expected_average_only_in}: it was trained on inputs {@code x * s} (s = sqrt(d_in) / mean ||x||).
 * SAELens applies no factor at run time; it folds {@code s} into the weights
 * ({@code fold_activation_norm_scaling_factor}: {@code W_enc *= s}, {@code W_dec /= s},
 * {@code b_dec /= s}), so the folded SAE encodes raw {@code x} to the same features and decodes to
 * raw scale. The factor is read from {@code activation_scaler.json} ({@code {"scaling_factor": s}},
 * written beside SAELens training checkpoints), else from a {@code norm_scaling_factor} field of
 * {@code cfg.json} (the value SAELens's {@code pretrained_saes.yaml} lists for the SAE).
 *
 * @param factor s, finite and positive
 * @param file the file it came from (a name in the SAE folder)
 */
record NormScaling(double factor, String file) {
  static final String SCALER_FILE = "activation_scaler.json";

  static NormScaling read(Path saeDir) {
    Path scaler = saeDir.resolve(SCALER_FILE);
    Path cfg = saeDir.resolve(SaeConfig.FILE);
    if (Files.exists(scaler)) {
      return new NormScaling(positive(field(scaler, "scaling_factor"), scaler, "scaling_factor"), SCALER_FILE);
    }
    JsonNode n = field(cfg, "norm_scaling_factor");
    if (n == null) {
      throw new AtlasException(cfg + ": normalize_activations " + SaeConfig.EXPECTED_AVERAGE
          + " needs its scaling factor: put {\"scaling_factor\": s} in " + SCALER_FILE
          + " beside it, or \"norm_scaling_factor\": s in " + SaeConfig.FILE
          + " (SAELens's pretrained_saes.yaml lists it per SAE)");
    }
    return new NormScaling(positive(n, cfg, "norm_scaling_factor"), SaeConfig.FILE);
  }

  private static JsonNode field(Path file, String name) {
    Check.readableFile(file);
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    }
    Check.file(root != null && root.isObject(), file, "not a JSON object");
    JsonNode n = root.get(name);
    return n == null || n.isNull() ? null : n;
  }

  private static double positive(JsonNode n, Path file, String name) {
    Check.file(n != null, file, "no " + name);
    Check.file(n.isNumber() && Double.isFinite(n.asDouble()) && n.asDouble() > 0, file,
        name + " must be a positive number, got " + n);
    return n.asDouble();
  }

  /** Folds the factor into {@code W_enc}, {@code W_dec} and {@code b_dec} of {@code t}, in place. */
  void fold(Map<String, HostTensor> t) {
    float s = (float) factor; // SAELens multiplies float32 weights by the Python float
    float[] wEnc = t.get("W_enc").data();
    for (int i = 0; i < wEnc.length; i++) {
      wEnc[i] *= s;
    }
    for (float[] a : new float[][] {t.get("W_dec").data(), t.get("b_dec").data()}) {
      for (int i = 0; i < a.length; i++) {
        a[i] /= s;
      }
    }
  }
}
