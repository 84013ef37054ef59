package org.featureatlas.sae;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.Npz;

/**
 * Gemma Scope's native SAE file {@code params.npz}: float32 {@code W_enc [d_in, d_sae]},
 * {@code W_dec [d_sae, d_in]}, {@code b_enc [d_sae]}, {@code b_dec [d_in]} and
 * {@code threshold [d_sae]} (lower-case {@code w_enc}/{@code w_dec} are read too, as SAELens's
 * loader does). Gemma Scope encodes {@code relu(x @ W_enc + b_enc) * [pre > threshold]}, without
 * subtracting {@code b_dec} (SAELens loads it with {@code apply_b_dec_to_input: false}): that is
 * {@link Architecture#JUMPRELU}. The file does not name its hook: {@code atlas.json} beside it must
 * ({@link AtlasJson}). An optional {@code scaling_factor} array must be all ones (as SAELens requires).
 */
final class GemmaScopeSae {
  static final String PARAMS_FILE = "params.npz";

  private GemmaScopeSae() {}

  static SaeWeights load(Path saeDir) {
    Path file = saeDir.resolve(PARAMS_FILE);
    AtlasJson atlas = AtlasJson.readIfPresent(saeDir);
    if (atlas == null) {
      throw new AtlasException(saeDir + ": Gemma Scope " + PARAMS_FILE + " does not name its hook; write "
          + AtlasJson.FILE + " beside it, e.g. {\"hook_name\": \"blocks.20.hook_resid_post\"} for "
          + "gemma-scope-2b-pt-res layer_20 (res: hook_resid_post, mlp: hook_mlp_out, att: attn.hook_z)");
    }
    List<String> names = Npz.names(file);
    String wEncName = names.contains("W_enc") ? "W_enc" : "w_enc";
    String wDecName = names.contains("W_dec") ? "W_dec" : "w_dec";
    List<String> wanted = new ArrayList<>(List.of(wEncName, wDecName, "b_enc", "b_dec", "threshold"));
    if (names.contains("scaling_factor")) {
      wanted.add("scaling_factor");
    }
    Map<String, HostTensor> t = Npz.readFloats(file, wanted);
    HostTensor wEnc = t.get(wEncName);
    Check.file(wEnc.rank() == 2, file, wEncName + " has shape " + Arrays.toString(wEnc.shape())
        + ", expected [d_in, d_sae]");
    int dIn = wEnc.rows();
    int dSae = wEnc.cols();
    shape(file, wDecName, t.get(wDecName), dSae, dIn);
    shape(file, "b_enc", t.get("b_enc"), dSae);
    shape(file, "b_dec", t.get("b_dec"), dIn);
    shape(file, "threshold", t.get("threshold"), dSae);
    for (Map.Entry<String, HostTensor> e : t.entrySet()) {
      Check.finite(e.getValue().data(), file, e.getKey());
    }
    HostTensor scaling = t.get("scaling_factor");
    if (scaling != null) {
      for (float v : scaling.data()) {
        Check.file(v == 1f, file, "scaling_factor other than 1 (a fine-tuned scaling factor) is not supported");
      }
    }
    SaeConfig config;
    try {
      config = new SaeConfig(Architecture.JUMPRELU, dIn, dSae, atlas.hookName(), false, 0, false,
          atlas.modelName());
    } catch (AtlasException e) {
      throw new AtlasException(saeDir.resolve(AtlasJson.FILE) + ": " + e.getMessage());
    }
    return new SaeWeights(config, wEnc, t.get("b_enc"), t.get(wDecName), t.get("b_dec"), t.get("threshold"),
        SaeFormat.GEMMA_SCOPE, SaeFormat.GEMMA_SCOPE.files());
  }

  private static void shape(Path file, String name, HostTensor t, long... expected) {
    Check.file(t.hasShape(expected), file, name + " has shape " + Arrays.toString(t.shape()) + ", expected "
        + Arrays.toString(expected) + " (d_in, d_sae from W_enc)");
  }

  /** Writes {@code w} as a Gemma Scope folder ({@code params.npz} + {@code atlas.json}), for tests. */
  static void save(SaeWeights w, Path saeDir) {
    new AtlasJson(w.config().hookName(), w.config().modelName()).write(saeDir);
    Npz.writeFloats(saeDir.resolve(PARAMS_FILE), Map.of("W_enc", w.wEnc(), "W_dec", w.wDec(), "b_enc", w.bEnc(),
        "b_dec", w.bDec(), "threshold", w.threshold()));
  }
}
