package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.featureatlas.check.Check;
import org.featureatlas.generate.GenerateRequest;
import org.featureatlas.generate.Generation;
import org.featureatlas.progress.Stages;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atlas generate}: every feature's data, in one streaming pass (or one shard of it). */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Computes every SAE feature's data from a Hugging Face checkpoint (GPT-2, Llama, Mistral, Qwen 2),",
        "a SAELens SAE and a token dataset, and writes the data directory (see docs/data-format.md).",
        "With --shard i/n it runs the streaming pass on one part of the dataset and writes a shard directory",
        "for `atlas merge`."})
public final class GenerateCommand implements Callable<Integer> {
  @Mixin
  GenerateOptions inputs;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = {"Data directory to write (replaced atomically; its notes/ are kept), or the shard directory with",
      "--shard. Must be new, empty or a previous data (shard) directory, and hold no input."})
  Path out;

  @Option(names = "--shard", paramLabel = "i/n", description = "Run only shard i of n (0-based) of the streaming pass.")
  String shard;

  @Override
  public Integer call() {
    GenerateRequest req = inputs.request();
    Stages stages = new Stages();
    Generation generation = new Generation(stages, System.out, inputs.budget());
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
