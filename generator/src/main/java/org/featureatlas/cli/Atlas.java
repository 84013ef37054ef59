package org.featureatlas.cli;

import java.io.IOException;
import java.io.PrintWriter;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.IoErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code atlas} command. Each stage is a subcommand; user errors and I/O failures print one line and
 * exit 2; anything else is an internal error (exit 1).
 */
@Command(
    name = "atlas",
    mixinStandardHelpOptions = true,
    version = "Feature Atlas 0.1.0",
    description = "Turns a GPT-2 model, a sparse autoencoder and a token dataset into a static website "
        + "with one page per SAE feature.",
    subcommands = {
        CommandLine.HelpCommand.class,
        PreviewCommand.class,
        ArchiveCommand.class,
        PublishCommand.class,
        // Each stage registers its command here, one line each.
        GenerateCommand.class,
        MergeCommand.class,
        RenderCommand.class,
        BuildCommand.class,
        ExportCommand.class,
        TrainModelCommand.class,
        TrainSaeCommand.class,
    })
public final class Atlas implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (0 ok, 2 user error, 1 internal error). */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with picocli's output and error streams set (tests read them). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    System.setProperty("ai.djl.offline", "true");
    CommandLine cli = new CommandLine(new Atlas());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, commandLine.getErr()));
    return cli.execute(args);
  }

  /**
   * Prints what went wrong and returns the exit code: an {@link AtlasException} anywhere in the cause
   * chain, or failing that an {@link IOException} (a full disk, a file removed under us), is one line
   * and exit 2; anything else (a bug: NullPointerException, IllegalStateException, ...) is an internal
   * error, exit 1.
   */
  static int report(Throwable ex, PrintWriter errors) {
    Throwable cause = ex;
    while (!(cause instanceof AtlasException) && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause instanceof AtlasException) {
      errors.println("atlas: error: " + oneLine(cause.getMessage()));
      errors.flush();
      return 2;
    }
    // Last resort for I/O failures that no reader or writer mapped: still a problem of the input or
    // the environment, so exit 2 with the file when the exception knows it.
    IOException io = IoErrors.find(ex);
    if (io != null) {
      errors.println("atlas: error: " + oneLine(IoErrors.describe(io)));
      errors.flush();
      return 2;
    }
    errors.println("atlas: internal error: " + oneLine(String.valueOf(ex)));
    if (System.getenv("ATLAS_DEBUG") != null) {
      ex.printStackTrace(errors);
    } else {
      errors.println("(set ATLAS_DEBUG=1 for the stack trace)");
    }
    errors.flush();
    return 1;
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replace('\n', ' ').replace('\r', ' ');
  }
}
