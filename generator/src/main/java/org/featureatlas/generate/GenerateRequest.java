package org.featureatlas.generate;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import org.featureatlas.check.Check;

/**
 * What to generate from. Exactly one of {@code tokens} (an .npy [S, T] array) and {@code text} (with
 * {@code seqLen}) is set. {@code centre} overrides the TransformerLens centring rule when non-null.
 * {@code keepBos} keeps the BOS positions in every statistic and example (by default they are left out
 * where the model's tokenizer defines a BOS token; {@link ExcludedPositions}).
 */
public record GenerateRequest(
    Path model,
    Path sae,
    @JsonProperty("sae_b") Path saeB,
    Path tokens,
    Path text,
    @JsonProperty("seq_len") Integer seqLen,
    String device,
    @JsonProperty("batch_size") int batchSize,
    long seed,
    Boolean centre,
    GenerateSettings settings,
    @JsonProperty("keep_bos") boolean keepBos) {

  /** A request that leaves BOS positions out (the default). */
  public GenerateRequest(Path model, Path sae, Path saeB, Path tokens, Path text, Integer seqLen, String device,
      int batchSize, long seed, Boolean centre, GenerateSettings settings) {
    this(model, sae, saeB, tokens, text, seqLen, device, batchSize, seed, centre, settings, false);
  }

  public GenerateRequest {
    Check.that(model != null, "--model is required");
    Check.that(sae != null, "--sae is required");
    Check.that((tokens == null) != (text == null), "give exactly one of --tokens FILE.npy and --text FILE");
    Check.that(text == null || (seqLen != null && seqLen > 0), "--text needs --seq-len N (N > 0)");
    Check.positive(batchSize, "--batch-size");
    model = model.toAbsolutePath().normalize();
    sae = sae.toAbsolutePath().normalize();
    saeB = saeB == null ? null : saeB.toAbsolutePath().normalize();
    tokens = tokens == null ? null : tokens.toAbsolutePath().normalize();
    text = text == null ? null : text.toAbsolutePath().normalize();
    if (device == null) device = "auto";
    if (settings == null) settings = GenerateSettings.defaults();
  }
}
