package org.featureatlas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.featureatlas.site.FakeData;
import org.featureatlas.site.FakeSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preview, archive and publish commands as a user runs them: exit codes and one-line messages. */
class SiteCommandsTest {
  @TempDir
  Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run atlas(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Atlas.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void archiveVerifyAndExtractRoundTrip() throws Exception {
    Path data = FakeData.write(tmp.resolve("data"));
    Path site = FakeSite.write(tmp.resolve("site"));
    Path file = tmp.resolve("a.zip");
    Run archive = atlas("archive", "--data", data.toString(), "--site", site.toString(), "--out", file.toString());
    assertEquals(0, archive.code(), archive.err());
    assertTrue(archive.out().contains("archived 18 files"), archive.out());

    Run verify = atlas("archive", "verify", file.toString());
    assertEquals(0, verify.code(), verify.err());
    assertTrue(verify.out().contains(": ok, 17 files"), verify.out());
    assertTrue(verify.out().contains("hook " + FakeData.HOOK), verify.out());

    Run extract = atlas("archive", "extract", file.toString(), tmp.resolve("x").toString());
    assertEquals(0, extract.code(), extract.err());
    assertEquals(Files.readString(site.resolve("index.html")), Files.readString(tmp.resolve("x/site/index.html")));

    byte[] bytes = Files.readAllBytes(file);
    Path cut = tmp.resolve("cut.zip");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Run bad = atlas("archive", "verify", cut.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().startsWith("atlas: error: " + cut + ": truncated or corrupt archive"), bad.err());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
  }

  @Test
  void archiveNeedsItsInputsAndNamesTheDefaultFileFromTheManifest() throws Exception {
    Run missing = atlas("archive", "--site", tmp.toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("archive needs --data DIR and --site DIR"), missing.err());
    Run help = atlas("archive", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("verify") && help.out().contains("extract"), help.out());
  }

  @Test
  void publishDryRunAndRefusal() throws Exception {
    Path site = FakeSite.write(tmp.resolve("site"));
    Path repo = tmp.resolve("repo.git");
    Process p = new ProcessBuilder("git", "init", "-q", "--bare", repo.toString()).inheritIO().start();
    assertEquals(0, p.waitFor());
    Run dry = atlas("publish", "--site", site.toString(), "--repo", repo.toString(), "--dry-run");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(dry.out().contains("dry run: would commit 15 files to gh-pages (+15 ~0 -0)"), dry.out());
    Run real = atlas("publish", "--site", site.toString(), "--repo", repo.toString());
    assertEquals(0, real.code(), real.err());
    assertTrue(real.out().contains("published 15 files to gh-pages"), real.out());
    Run again = atlas("publish", "--site", site.toString(), "--repo", repo.toString());
    assertTrue(again.out().contains("nothing to publish"), again.out());

    Files.delete(site.resolve("img/logo.svg"));
    Run broken = atlas("publish", "--site", site.toString(), "--repo", repo.toString());
    assertEquals(2, broken.code());
    assertTrue(broken.err().contains("refusing to publish an incomplete site: 2 broken links"), broken.err());
    assertEquals(1, broken.err().strip().lines().count(), broken.err());
  }

  @Test
  void previewChecksItsOptions() {
    Run both = atlas("preview", "--site", tmp.toString(), "--data", tmp.toString());
    assertEquals(2, both.code());
    assertTrue(both.err().contains("either --site"), both.err());
    Run port = atlas("preview", "--site", tmp.toString(), "--port", "70000");
    assertEquals(2, port.code());
    Run help = atlas("preview", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("127.0.0.1"), help.out());
    assertFalse(help.out().contains("${"), help.out());
  }
}
