package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.featureatlas.site.archive.ArchiveExtractor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code atlas archive extract FILE DIR}. */
@Command(name = "extract", mixinStandardHelpOptions = true,
    description = "Unpacks an archive into DIR (which must not exist, or be empty). Refuses entries that would land "
        + "outside DIR, absolute paths, links and special files, files the manifest does not list, files larger "
        + "than it says (cut off at once) and data after the end of the archive; checks every file against the "
        + "manifest before DIR appears, so a bad archive leaves nothing behind.")
public final class ArchiveExtractCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "Archive (.tar.gz, .tgz or .zip).")
  Path file;

  @Parameters(index = "1", paramLabel = "DIR", description = "Directory to create.")
  Path dir;

  @Override
  public Integer call() {
    ArchiveExtractor.Extracted x = ArchiveExtractor.extract(file, dir);
    System.out.printf("atlas: extracted %d files (%.1f MB) into %s%n", x.files(), x.bytes() / 1e6, x.dir());
    return 0;
  }
}
