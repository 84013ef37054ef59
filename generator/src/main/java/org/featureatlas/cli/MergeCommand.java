package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.featureatlas.generate.Generation;
import org.featureatlas.progress.Stages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code atlas merge}: shard directories of one run into its data directory. */
@Command(name = "merge", mixinStandardHelpOptions = true,
    description = {"Merges the shard directories written by `atlas generate --shard i/n` (all n of them) and",
        "finishes the run: histograms, interval samples and example windows. The result equals a single run."})
public final class MergeCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = {"Data directory to write (replaced atomically; its notes/ are kept). Must be new, empty or",
      "a previous data directory, and hold no input (shard, model, SAE, tokens)."})
  Path out;

  @Option(names = "--memory", paramLabel = "SIZE", description = "Memory the merge may use, heap and native together, e.g. 6g or"
      + " 512m (default: " + org.featureatlas.generate.MemoryBudget.DEFAULT_PERCENT + "%% of the JVM's maximum heap). It need not"
      + " match the shards' runs: it never changes the numbers.")
  String memory;

  @Parameters(arity = "1..*", paramLabel = "SHARD_DIR", description = "Shard directories, in any order.")
  List<Path> shards;

  @Override
  public Integer call() {
    Stages stages = new Stages();
    new Generation(stages, System.out, GenerateOptions.memory(memory)).merge(shards, out);
    stages.print(System.out);
    return 0;
  }
}
