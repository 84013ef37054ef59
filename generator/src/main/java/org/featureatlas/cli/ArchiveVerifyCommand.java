package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.featureatlas.site.archive.ArchiveVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code atlas archive verify FILE}. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Recomputes the sha256 of every entry of an archive and compares it with ATLAS-MANIFEST.json. "
        + "Exits 0 when it matches, 2 with a one-line report of what is wrong (truncated, corrupt, missing, extra "
        + "or changed files, unsafe entries, data after the end of the archive).")
public final class ArchiveVerifyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "Archive (.tar.gz, .tgz or .zip).")
  Path file;

  @Override
  public Integer call() {
    ArchiveVerifier.Verified v = ArchiveVerifier.verify(file);
    System.out.printf("atlas: %s: ok, %d files (%.1f MB) match the manifest; model %s, sae %s, hook %s%n",
        file, v.files(), v.bytes() / 1e6, name(v.manifest().model()), name(v.manifest().sae()), v.manifest().hook());
    return 0;
  }

  private static String name(org.featureatlas.data.Identity id) {
    return id == null ? "?" : id.name();
  }
}
