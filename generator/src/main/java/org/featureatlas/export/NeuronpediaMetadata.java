package org.featureatlas.export;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.featureatlas.data.Identity;
import org.featureatlas.data.Manifest;

/**
 * The one-line files of a Neuronpedia export, with the field names and types of neuronpedia-utils'
 * {@code db_models}: {@code release.jsonl} ({@code source_release.py}), {@code model.jsonl}
 * ({@code model.py}), {@code sourceset.jsonl} ({@code source_set.py}) and {@code source.jsonl}
 * ({@code source.py}). Timestamps are left to the database, so the files depend on the inputs only.
 */
public final class NeuronpediaMetadata {
  static final String PUBLIC = "PUBLIC";

  private NeuronpediaMetadata() {}

  /** A {@code SourceRelease}. */
  public record Release(String name, String description, String descriptionShort, String creatorName,
      String creatorNameShort, String creatorId, String visibility, List<String> urls) {}

  /** A {@code Model}. {@code layers} and {@code neuronsPerLayer} are not in a data directory: 0, as in Neuronpedia's converter. */
  public record Model(String id, boolean instruct, String creatorId, String displayNameShort, String displayName,
      String visibility, boolean inferenceEnabled, int layers, int neuronsPerLayer, String owner) {}

  /** A {@code SourceSet}. */
  public record SourceSet(String modelId, String name, String creatorId, boolean hasDashboards, String visibility,
      String description, String type, String creatorName, List<String> urls, String releaseName,
      boolean showCorrelated) {}

  /** A {@code Source}. */
  public record Source(String id, String modelId, String setName, String creatorId, boolean hasDashboards,
      boolean inferenceEnabled, List<String> inferenceHosts, String visibility,
      @JsonProperty("num_prompts") int numPrompts, @JsonProperty("num_tokens_in_prompt") int numTokensInPrompt,
      String dataset, String notes) {}

  static Release release(Manifest m, NeuronpediaOptions o) {
    String description = name(m.sae(), "an SAE") + " on " + name(m.model(), o.modelId()) + " (" + hook(m) + ")";
    return new Release(o.release(), description, description, o.creatorName(), o.creatorName(), o.creatorId(), PUBLIC,
        List.of());
  }

  static Model model(Manifest m, NeuronpediaOptions o) {
    return new Model(o.modelId(), false, o.creatorId(), o.modelId(), name(m.model(), o.modelId()), PUBLIC, false, 0, 0,
        o.creatorName());
  }

  static SourceSet sourceSet(Manifest m, NeuronpediaOptions o) {
    return new SourceSet(o.modelId(), o.setName(), o.creatorId(), true, PUBLIC,
        hook(m) + " - " + m.dSae() + " features", "", o.creatorName(), List.of(), o.release(), true);
  }

  static Source source(Manifest m, NeuronpediaOptions o) {
    String notes = "Exported from a Feature Atlas data directory: SAE " + name(m.sae(), "?") + " at " + hook(m)
        + (m.saeB() != null ? "; correlated features are features of SAE " + name(m.saeB(), "?") : "") + ".";
    return new Source(o.sourceId(), o.modelId(), o.setName(), o.creatorId(), true, false, List.of(), PUBLIC,
        m.nSequences(), m.seqLen(), name(m.dataset(), ""), notes);
  }

  private static String name(Identity id, String fallback) {
    return id == null || id.name() == null ? fallback : id.name();
  }

  private static String hook(Manifest m) {
    return m.hook() == null ? "?" : m.hook();
  }
}
