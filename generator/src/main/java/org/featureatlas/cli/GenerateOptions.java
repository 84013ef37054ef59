package org.featureatlas.cli;

import java.nio.file.Path;
import org.featureatlas.generate.GenerateRequest;
import org.featureatlas.generate.GenerateSettings;
import org.featureatlas.generate.MemoryBudget;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The inputs and knobs of the generation stage, shared by {@code generate} and {@code build}. */
final class GenerateOptions {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face checkpoint (gpt2, llama, mistral, qwen2, gemma2, gpt_neox): config.json, model.safetensors (or its sharded index), tokenizer.json.")
  Path model;

  @Option(names = "--sae", required = true, paramLabel = "DIR", description = "SAELens SAE folder: cfg.json, sae_weights.safetensors.")
  Path sae;

  @Option(names = "--sae-b", paramLabel = "DIR", description = "Optional second SAE on the same hook (encoder B) for the correlated-features table.")
  Path saeB;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--tokens", paramLabel = "FILE.npy", description = "Token ids, an [S, T] int32/int64/uint16 .npy array.")
    Path tokens;

    @Option(names = "--text", paramLabel = "FILE", description = "Plain text, tokenized with the model's tokenizer.json (needs --seq-len).")
    Path text;
  }

  @Option(names = "--seq-len", paramLabel = "N", description = "Sequence length for --text.")
  Integer seqLen;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu", description = "Where the model runs (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the interval sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--top-k", defaultValue = "20", paramLabel = "N", description = "Top examples per feature (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--window", defaultValue = "5", paramLabel = "N", description = "Tokens shown each side of an example (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--center-writing-weights", paramLabel = "true|false", arity = "1",
      description = "Override the TransformerLens centring rule the SAE config implies.")
  Boolean centre;

  @Option(names = "--keep-bos", description = "Keep BOS positions in every statistic and example. By default the positions"
      + " holding the tokenizer's BOS token (where tokenizer.json / tokenizer_config.json define one) are left out:"
      + " their activations are outliers (docs/generation.md, BOS).")
  boolean keepBos;

  @Option(names = "--memory", paramLabel = "SIZE", description = "Memory the run may use, heap and native together, e.g. 6g or 512m"
      + " (default: " + MemoryBudget.DEFAULT_PERCENT + "%% of the JVM's maximum heap). It sets how many features pass C handles at"
      + " a time, never the numbers; a budget too small for one batch stops the run before it starts"
      + " (docs/generation.md, Memory).")
  String memory;

  MemoryBudget budget() {
    return memory(memory);
  }

  /** The budget {@code --memory SIZE} gives, or the default one without it. */
  static MemoryBudget memory(String size) {
    return size == null ? MemoryBudget.defaults() : MemoryBudget.parse(size);
  }

  GenerateRequest request() {
    GenerateSettings d = GenerateSettings.defaults();
    GenerateSettings settings = new GenerateSettings(topK, window, window, d.nBins(), d.nIntervals(),
        d.perInterval(), d.nLogits(), d.nUnits(), d.hoverK());
    return new GenerateRequest(model, sae, saeB, source.tokens, source.text, seqLen, device, batchSize, seed,
        centre, settings, keepBos);
  }
}
