package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.featureatlas.export.NeuronpediaExport;
import org.featureatlas.export.NeuronpediaOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atlas export neuronpedia}: a data directory as the files Neuronpedia imports. */
@Command(name = "neuronpedia", mixinStandardHelpOptions = true,
    description = "Writes a data directory in Neuronpedia's export layout: release.jsonl, model.jsonl, sourceset.jsonl, "
        + "source.jsonl, features/batch-N.jsonl.gz and activations/batch-N.jsonl.gz, with the fields of Neuronpedia's "
        + "database models (docs/neuronpedia.md). Neuronpedia imports the folder as <model-id>/<source-id>/.")
public final class ExportNeuronpediaCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data directory.")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Export folder to write (replaced atomically; must be new, empty or a previous export).")
  Path out;

  @Option(names = "--model-id", required = true, paramLabel = "ID", description = "Neuronpedia model id, e.g. gpt2-small.")
  String modelId;

  @Option(names = "--source-id", required = true, paramLabel = "ID",
      description = "Neuronpedia source id <layer>-<source set>, e.g. 6-res-jb.")
  String sourceId;

  @Option(names = "--creator-id", paramLabel = "ID", defaultValue = NeuronpediaOptions.LOCAL_CREATOR_ID,
      description = "Id of the Neuronpedia user who owns the rows (default: the user a local instance seeds, ${DEFAULT-VALUE}).")
  String creatorId;

  @Option(names = "--creator-name", paramLabel = "NAME", defaultValue = NeuronpediaOptions.DEFAULT_CREATOR_NAME,
      description = "Creator shown on the release and source set (default: ${DEFAULT-VALUE}).")
  String creatorName;

  @Option(names = "--release", paramLabel = "NAME", description = "Release name (default: the source set of --source-id).")
  String release;

  @Option(names = "--features-per-batch", paramLabel = "N", defaultValue = "" + NeuronpediaOptions.DEFAULT_FEATURES_PER_BATCH,
      description = "Features in one batch file (default: ${DEFAULT-VALUE}).")
  int featuresPerBatch;

  @Override
  public Integer call() {
    NeuronpediaOptions options = new NeuronpediaOptions(modelId, sourceId, creatorId, creatorName, release, featuresPerBatch);
    long start = System.nanoTime();
    NeuronpediaExport.Summary s = NeuronpediaExport.write(data, out, options);
    System.out.printf("atlas: exported %d features and %d activations in %d batches to %s in %.1f s%n", s.features(),
        s.activations(), s.batches(), s.target(), (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
