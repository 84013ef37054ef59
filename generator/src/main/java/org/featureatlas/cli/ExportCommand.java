package org.featureatlas.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code atlas export}: a data directory in another tool's format; one subcommand per format. */
@Command(name = "export", mixinStandardHelpOptions = true,
    subcommands = {ExportNeuronpediaCommand.class},
    description = {"Writes a data directory in another tool's format.",
        "Subcommands: `neuronpedia` (Neuronpedia's import layout, see docs/neuronpedia.md)."})
public final class ExportCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "export needs a format: neuronpedia");
  }
}
