package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.featureatlas.check.Check;
import org.featureatlas.generate.GenerateRequest;
import org.featureatlas.generate.GenerateSettings;
import org.featureatlas.generate.Generation;
import org.featureatlas.progress.Stages;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atlas generate}: every feature's data, in one streaming pass (or one shard of it). */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Computes every SAE feature's data from a GPT-2 checkpoint, a SAELens SAE and a token dataset,",
        "and writes the data directory (see docs/data-format.md). With --shard i/n it runs the streaming pass",
        "on one part of the dataset and writes a shard directory for `atlas merge`."})
public final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "GPT-2 checkpoint: config.json, model.safetensors, tokenizer.json.")
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

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Data directory to write (replaced atomically), or the shard directory with --shard.")
  Path out;

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

  @Option(names = "--shard", paramLabel = "i/n", description = "Run only shard i of n (0-based) of the streaming pass.")
  String shard;

  @Override
  public Integer call() {
    GenerateSettings d = GenerateSettings.defaults();
    GenerateSettings settings = new GenerateSettings(topK, window, window, d.nBins(), d.nIntervals(),
        d.perInterval(), d.nLogits(), d.nUnits(), d.hoverK());
    GenerateRequest req = new GenerateRequest(model, sae, saeB, source.tokens, source.text, seqLen, device,
        batchSize, seed, centre, settings);
    Stages stages = new Stages();
    Generation generation = new Generation(stages, System.out);
    if (shard == null) {
      generation.run(req, out);
    } else {
      String[] parts = shard.split("/");
      Check.that(parts.length == 2 && parts[0].matches("\\d+") && parts[1].matches("\\d+"), "--shard must look like i/n, got " + shard);
      generation.runShard(req, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), out);
    }
    stages.print(System.out);
    return 0;
  }
}
