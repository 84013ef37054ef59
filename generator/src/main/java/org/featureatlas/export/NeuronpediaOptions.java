package org.featureatlas.export;

import java.util.regex.Pattern;
import org.featureatlas.check.Check;

/**
 * Who and what a Neuronpedia export is: the Neuronpedia model id (e.g. {@code gpt2-small}), the source id
 * {@code <layer>-<source set>} (e.g. {@code 6-res-jb}; Neuronpedia reads the layer and the source set from
 * it), the id of an existing Neuronpedia user who owns the rows, the creator's display name, the release
 * name, and how many features go in one batch file.
 */
public record NeuronpediaOptions(String modelId, String sourceId, String creatorId, String creatorName,
    String release, int featuresPerBatch) {
  /** The user a local Neuronpedia instance seeds (its webapp's DEFAULT_CREATOR_USER_ID). */
  public static final String LOCAL_CREATOR_ID = "clkht01d40000jv08hvalcvly";
  public static final String DEFAULT_CREATOR_NAME = "Feature Atlas";
  public static final int DEFAULT_FEATURES_PER_BATCH = 128;

  /** Neuronpedia's own rule for model ids (its Prisma schema), used for every id here. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final Pattern SOURCE = Pattern.compile("[0-9]+-[A-Za-z0-9_-]+");

  public NeuronpediaOptions {
    Check.that(modelId != null && ID.matcher(modelId).matches(),
        "--model-id must be 1 to 128 letters, digits, '-' or '_' (Neuronpedia's rule), got: " + modelId);
    Check.that(sourceId != null && sourceId.length() <= 128 && SOURCE.matcher(sourceId).matches(),
        "--source-id must be <layer>-<source set>, e.g. 6-res-jb (digits, '-', then letters, digits, '-' or '_'), got: "
            + sourceId);
    Check.that(!setName(sourceId).isEmpty(), "--source-id " + sourceId + " has an empty source set name");
    Check.that(creatorId != null && ID.matcher(creatorId).matches(),
        "--creator-id must be a Neuronpedia user id (letters, digits, '-' or '_'), got: " + creatorId);
    Check.that(creatorName != null && !creatorName.isBlank() && creatorName.chars().noneMatch(Character::isISOControl),
        "--creator-name must be a non-empty line of text");
    if (release == null) {
      release = setName(sourceId);
    }
    Check.that(ID.matcher(release).matches(), "--release must be 1 to 128 letters, digits, '-' or '_', got: " + release);
    Check.positive(featuresPerBatch, "--features-per-batch");
  }

  /** Options with the local instance's creator, the default creator name and batch size, release = source set. */
  public static NeuronpediaOptions of(String modelId, String sourceId) {
    return new NeuronpediaOptions(modelId, sourceId, LOCAL_CREATOR_ID, DEFAULT_CREATOR_NAME, null,
        DEFAULT_FEATURES_PER_BATCH);
  }

  /** The source set: what follows the layer, up to Neuronpedia's "__" delimiter ("6-res-jb__x" is "res-jb"). */
  public String setName() {
    return setName(sourceId);
  }

  private static String setName(String sourceId) {
    String rest = sourceId.substring(sourceId.indexOf('-') + 1);
    int cut = rest.indexOf("__");
    return cut < 0 ? rest : rest.substring(0, cut);
  }
}
