package org.featureatlas.render.explain;

import org.featureatlas.check.Check;

/**
 * A Neuronpedia source, {@code MODEL_ID/SOURCE_ID} (as {@code atlas export neuronpedia}'s {@code --model-id} and
 * {@code --source-id}): the {@code modelId} and {@code layer} fields of an explanation row.
 */
public record Source(String model, String id) {
  /** "MODEL_ID/SOURCE_ID" as a source; one line naming the option on anything else. */
  public static Source parse(String text) {
    String t = text == null ? "" : text.strip();
    int slash = t.indexOf('/');
    Check.that(slash > 0 && slash < t.length() - 1 && t.indexOf('/', slash + 1) < 0 && !t.matches(".*\\s.*"),
        "--explanations-source must be MODEL_ID/SOURCE_ID (as Neuronpedia's modelId and layer, e.g. "
            + "gpt2-small/6-res-jb), got: " + text);
    return new Source(t.substring(0, slash), t.substring(slash + 1));
  }

  @Override
  public String toString() {
    return model + "/" + id;
  }
}
