package org.featureatlas.sae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;

/**
 * {@code atlas.json} beside an SAE whose own files do not name its hook (Gemma Scope's
 * {@code params.npz}; a sparsify folder whose name is not a hookpoint the atlas maps):
 * {@code {"hook_name": "blocks.20.hook_resid_post"}}, optionally with {@code "model_name"}.
 *
 * @param hookName a TransformerLens hook name
 * @param modelName the model the SAE was trained on, or null
 */
public record AtlasJson(String hookName, String modelName) {
  public static final String FILE = "atlas.json";

  /** Reads {@code saeDir/atlas.json}, or returns null when there is none. */
  public static AtlasJson readIfPresent(Path saeDir) {
    Path file = saeDir.resolve(FILE);
    if (!Files.exists(file)) {
      return null;
    }
    Check.readableFile(file);
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    }
    Check.file(root != null && root.isObject(), file, "not a JSON object");
    JsonNode hook = root.get("hook_name");
    Check.file(hook != null && hook.isTextual() && !hook.asText().isBlank(), file,
        "no hook_name string (e.g. {\"hook_name\": \"blocks.20.hook_resid_post\"})");
    JsonNode model = root.get("model_name");
    Check.file(model == null || model.isNull() || model.isTextual(), file, "model_name " + model + " is not a string");
    return new AtlasJson(hook.asText().strip(), model == null || model.isNull() ? null : model.asText());
  }

  /** Writes {@code saeDir/atlas.json}. */
  public void write(Path saeDir) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("hook_name", hookName);
    if (modelName != null) {
      m.put("model_name", modelName);
    }
    Path file = saeDir.resolve(FILE);
    try {
      Files.createDirectories(saeDir);
      Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
    } catch (IOException e) {
      throw IoErrors.writing(file, e);
    }
  }
}
