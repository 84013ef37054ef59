package org.featureatlas.model;

import java.nio.file.Path;
import java.util.List;
import org.featureatlas.check.Check;

/** Loads a Hugging Face checkpoint folder of any supported family, dispatching on {@code config.json}'s {@code model_type}. */
public final class Models {
  /** The {@code model_type}s that load, in the order error messages list them. */
  public static final List<String> SUPPORTED = List.of("gpt2", "llama", "mistral", "qwen2", "gemma2", "gpt_neox");

  private Models() {}

  /**
   * Reads {@code dir/config.json} and the checkpoint beside it. A config without {@code model_type} is taken
   * as GPT-2 when it has GPT-2's {@code n_embd} (old exports), else refused.
   */
  public static ModelWeights load(Path dir) {
    Check.directory(dir);
    Path configFile = dir.resolve(Gpt2Weights.CONFIG_FILE);
    ConfigJson config = ConfigJson.read(configFile);
    String type;
    if (config.has("model_type")) {
      type = config.text("model_type", "");
    } else {
      Check.file(config.has("n_embd"), configFile, "missing field model_type");
      type = "gpt2";
    }
    return switch (type) {
      case "gpt2" -> Gpt2Weights.load(dir);
      case "llama", "mistral", "qwen2" -> LlamaWeights.load(dir);
      case "gemma2" -> Gemma2Weights.load(dir);
      case "gpt_neox" -> NeoxWeights.load(dir);
      default -> throw new org.featureatlas.check.AtlasException(configFile + ": model_type " + type
          + " is not supported (supported: " + String.join(", ", SUPPORTED) + ")");
    };
  }
}
