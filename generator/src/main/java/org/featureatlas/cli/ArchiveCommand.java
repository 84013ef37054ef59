package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.featureatlas.check.Check;
import org.featureatlas.data.DataDir;
import org.featureatlas.site.archive.ArchiveFormat;
import org.featureatlas.site.archive.ArchiveName;
import org.featureatlas.site.archive.ArchiveWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atlas archive}: one reproducible archive per model checkpoint; {@code verify} and {@code extract}. */
@Command(name = "archive", mixinStandardHelpOptions = true,
    subcommands = {ArchiveVerifyCommand.class, ArchiveExtractCommand.class},
    description = {"Packs a data directory and its built site into one .tar.gz or .zip with ATLAS-MANIFEST.json "
        + "(checkpoint identity and the sha256 of every file). The same inputs always give the same bytes.",
        "Subcommands: `verify FILE` checks an archive, `extract FILE DIR` unpacks it safely."})
public final class ArchiveCommand implements Callable<Integer> {
  @Option(names = "--data", paramLabel = "DIR", description = "Data directory (with manifest.json).")
  Path data;

  @Option(names = "--site", paramLabel = "DIR", description = "Built site of that data directory.")
  Path site;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Archive to write, ending in .tar.gz, .tgz or .zip (default: <model>-<sae>-<hook>.tar.gz "
          + "from the data manifest, in the current directory).")
  Path out;

  @Override
  public Integer call() {
    Check.that(data != null && site != null, "archive needs --data DIR and --site DIR (or a subcommand: verify, extract)");
    Check.directory(data);
    Check.directory(site);
    Path file = out != null ? out : Path.of(ArchiveName.of(DataDir.readManifest(data), ArchiveFormat.TAR_GZ));
    long start = System.nanoTime();
    ArchiveWriter.Summary s = ArchiveWriter.write(data, site, file);
    System.out.printf("atlas: archived %d files (%.1f MB) into %s (%.1f MB) in %.1f s%n", s.files(),
        s.inputBytes() / 1e6, s.file(), s.archiveBytes() / 1e6, (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
