package org.featureatlas.generate;

import org.featureatlas.cli.AtlasProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.featureatlas.sae.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM during {@code atlas generate} (a JVM of its own) leaves no working directory beside the output. */
class InterruptedGenerateTest {
  @TempDir
  Path dir;

  @Test
  void sigtermRemovesTheWorkingDirectories() throws Exception {
    // Enough batches that the run is still in pass A well after its working directory appears.
    TinyInputs in = new TinyInputs(dir, "blocks.1.mlp.hook_post", Architecture.STANDARD, 6000, 16, 9);
    Path out = dir.resolve("runs/data");
    Files.createDirectories(out.getParent());
    Path log = dir.resolve("generate.log");
    Process p = AtlasProcess.start(dir, log, List.of("generate", "--model", in.model.toString(), "--sae", in.sae.toString(),
        "--tokens", in.tokens.toString(), "--batch-size", "1", "--device", "cpu", "--out", out.toString()));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (working(out).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      List<String> seen = working(out);
      assertTrue(p.isAlive(), "generate ended before it could be interrupted: " + Files.readString(log));
      assertEquals(1, seen.size(), "expected its working directory beside the output, saw " + seen);
      assertTrue(seen.get(0).matches("\\.data\\.work-" + p.pid() + "-\\d+"), "not named after its process: " + seen);
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "generate did not stop on SIGTERM");
      assertNotEquals(0, p.exitValue(), "generate finished instead of stopping: " + Files.readString(log));
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    assertEquals(List.of(), working(out), "working directories left behind after SIGTERM");
    assertTrue(Files.notExists(out), "an interrupted run wrote its output");
  }

  private static List<String> working(Path out) throws java.io.IOException {
    try (Stream<Path> s = Files.list(out.getParent())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".data.")).sorted().toList();
    }
  }
}
