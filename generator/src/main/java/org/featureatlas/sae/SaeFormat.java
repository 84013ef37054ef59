package org.featureatlas.sae;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;

/** The SAE folder layouts the atlas reads, told apart by their files. */
public enum SaeFormat {
  /** SAELens: {@code cfg.json} + {@code sae_weights.safetensors}. */
  SAELENS(List.of(SaeConfig.FILE, SaeWeights.WEIGHTS_FILE)),
  /** EleutherAI sparsify: {@code cfg.json} + {@code sae.safetensors}. */
  SPARSIFY(List.of(SaeConfig.FILE, SparsifySae.WEIGHTS_FILE)),
  /** Gemma Scope's native {@code params.npz}, with the hook in {@code atlas.json}. */
  GEMMA_SCOPE(List.of(AtlasJson.FILE, GemmaScopeSae.PARAMS_FILE));

  private final List<String> files;

  SaeFormat(List<String> files) {
    this.files = files;
  }

  /** The files a folder of this format must hold. */
  public List<String> files() {
    return files;
  }

  /**
   * The format of {@code saeDir}: SAELens when it holds {@code sae_weights.safetensors}, else
   * sparsify when it holds {@code sae.safetensors}, else Gemma Scope when it holds {@code params.npz};
   * the config files each needs are checked by its loader.
   */
  public static SaeFormat detect(Path saeDir) {
    Check.directory(saeDir);
    if (Files.exists(saeDir.resolve(SaeWeights.WEIGHTS_FILE))) {
      return SAELENS;
    }
    if (Files.exists(saeDir.resolve(SparsifySae.WEIGHTS_FILE))) {
      return SPARSIFY;
    }
    if (Files.exists(saeDir.resolve(GemmaScopeSae.PARAMS_FILE))) {
      return GEMMA_SCOPE;
    }
    throw new AtlasException(saeDir + ": not an SAE folder: expected " + SaeConfig.FILE + " + "
        + SaeWeights.WEIGHTS_FILE + " (SAELens), " + SaeConfig.FILE + " + " + SparsifySae.WEIGHTS_FILE
        + " (EleutherAI sparsify) or " + GemmaScopeSae.PARAMS_FILE + " + " + AtlasJson.FILE + " (Gemma Scope)");
  }
}
