package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.List;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.render.explain.Source;
import picocli.CommandLine.Option;

/** Where feature explanations come from, shared by {@code render}, {@code build} and {@code preview}. */
final class ExplanationOptions {
  @Option(names = "--explanations", paramLabel = "PATH",
      description = {"Feature explanations: a Neuronpedia explanations export (.jsonl, .jsonl.gz) or an index,description "
          + ".csv (.csv.gz), or a folder of them; repeat for several, read in the order given (default: DATA/explanations "
          + "when it exists). Bad rows are skipped with a warning."})
  List<Path> paths;

  @Option(names = "--explanations-source", paramLabel = "MODEL_ID/SOURCE_ID",
      description = "Keep only the Neuronpedia rows of this source (their modelId and layer, e.g. gpt2-small/6-res-jb); "
          + "default: every row.")
  String source;

  /** {@code opts} with these explanations; unchanged when neither option is given. */
  RenderOptions apply(RenderOptions opts) {
    if (paths == null && source == null) {
      return opts;
    }
    return opts.withExplanations(paths == null ? List.of() : paths, source == null ? null : Source.parse(source));
  }
}
