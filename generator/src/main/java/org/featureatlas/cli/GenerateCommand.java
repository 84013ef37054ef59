package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.generate.ClusterEngine;
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

  @Option(names = "--spark", paramLabel = "MASTER_URL", description = {"Run on Apache Spark (local[N], spark://HOST:PORT, yarn, k8s://...):",
      "pass A per partition of the batches, the rest per block of features, the same data directory.",
      "Needs the Spark module (`make spark`); see docs/spark.md."})
  String spark;

  @Option(names = "--spark-work", paramLabel = "URI", description = {"With --spark: the shared work directory the tasks write to (a path every",
      "executor sees, or a Hadoop URI: hdfs://..., s3a://...). Default: beside --out (one machine or a shared mount)."})
  String sparkWork;

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "With --spark: a Spark setting (repeatable), e.g. spark.executor.memory=8g.")
  java.util.Map<String, String> sparkConf;

  @Option(names = "--partitions", paramLabel = "N", description = "With --spark: pass-A partitions (default: Spark's default parallelism).")
  Integer partitions;

  @Option(names = "--feature-blocks", paramLabel = "N", description = "With --spark: blocks of features after pass A (default: Spark's default parallelism).")
  Integer featureBlocks;

  @Override
  public Integer call() {
    GenerateRequest req = inputs.request();
    Stages stages = new Stages();
    if (spark != null) {
      Check.that(shard == null, "--spark and --shard do not go together: the Spark job splits the run itself");
      ClusterEngine engine = java.util.ServiceLoader.load(ClusterEngine.class).findFirst().orElseThrow(() -> new AtlasException(
          "--spark needs the Spark module on the class path: build it with `make spark` (docs/spark.md)"));
      engine.generate(req, out, new ClusterEngine.Options(spark, sparkWork, partitions, featureBlocks,
          inputs.memory == null ? null : inputs.budget(), sparkConf), System.out);
      return 0;
    }
    Check.that(sparkWork == null && sparkConf == null && partitions == null && featureBlocks == null,
        "--spark-work, --spark-conf, --partitions and --feature-blocks go with --spark");
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
