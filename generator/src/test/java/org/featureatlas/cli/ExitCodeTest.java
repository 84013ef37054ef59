package org.featureatlas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.featureatlas.data.DataDir;
import org.featureatlas.render.synthetic.SyntheticData;
import org.featureatlas.render.synthetic.SyntheticSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes: user and I/O failures are one line and exit 2; bugs stay internal errors (exit 1). */
class ExitCodeTest {
  @TempDir Path dir;

  private record Reported(int code, String err) {}

  private static Reported report(Throwable t) {
    StringWriter err = new StringWriter();
    int code = Atlas.report(t, new PrintWriter(err, true));
    return new Reported(code, err.toString().strip());
  }

  private static Reported run(String... args) {
    StringWriter err = new StringWriter();
    int code = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    return new Reported(code, err.toString().strip());
  }

  private static void assertOneLineError(Reported r, String... parts) {
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("atlas: error: "), r.err());
    for (String part : parts) {
      assertTrue(r.err().contains(part), "should contain " + part + ": " + r.err());
    }
  }

  @Test
  void anUnmappedFullDiskIsExit2NamingTheFile() {
    IOException enospc = new FileSystemException("/out/.data.work-1/cache.bin", null, "No space left on device");
    Reported r = report(new UncheckedIOException(enospc));
    assertOneLineError(r, "/out/.data.work-1/cache.bin: No space left on device");
    // Wrapped again, as a parallel stream or a future rethrows it.
    assertOneLineError(report(new CompletionException(new UncheckedIOException(enospc))),
        "/out/.data.work-1/cache.bin: No space left on device");
  }

  @Test
  void anUnmappedIoExceptionWithoutAFileIsStillExit2() {
    Reported r = report(new UncheckedIOException(new IOException("No space left on device")));
    assertOneLineError(r, "I/O error: No space left on device");
  }

  @Test
  void bugsStayInternalErrors() {
    for (RuntimeException bug : List.of(new NullPointerException("x is null"),
        new IllegalStateException("feature 3 written out of order"), new ArithmeticException("/ by zero"))) {
      Reported r = report(bug);
      assertEquals(1, r.code(), r.err());
      assertTrue(r.err().startsWith("atlas: internal error: "), r.err());
    }
  }

  private Path data(String name) {
    Path data = dir.resolve(name);
    SyntheticData.write(data, new SyntheticSpec(7, 64, 3, false, false));
    return data;
  }

  @Test
  void aNullOrNonStringInVocabJsonIsExit2NamingTheFile() throws IOException {
    Path data = data("null-vocab");
    Path vocab = data.resolve(DataDir.VOCAB);
    String text = Files.readString(vocab);
    int comma = text.indexOf(',');
    Files.writeString(vocab, "[null" + text.substring(comma));
    assertOneLineError(run("render", "--data", data.toString(), "--out", dir.resolve("site").toString()),
        vocab.toString(), "entry 0 is null; expected a string");
    Files.writeString(vocab, "[\"a\", 7" + text.substring(comma));
    assertOneLineError(run("render", "--data", data.toString(), "--out", dir.resolve("site").toString()),
        vocab.toString(), "entry 1 is 7; expected a string");
    Files.writeString(vocab, "{\"a\": 1}");
    assertOneLineError(run("render", "--data", data.toString(), "--out", dir.resolve("site").toString()),
        vocab.toString(), "not a JSON array of token strings");
    assertTrue(Files.notExists(dir.resolve("site")), "site left behind");
  }

  @Test
  void anEmptyGzipFeatureFileSaysSo() throws IOException {
    Path data = data("empty-gzip");
    Path features = data.resolve(DataDir.featureFiles(7).get(0));
    Files.write(features, new byte[0]);
    assertOneLineError(run("render", "--data", data.toString(), "--out", dir.resolve("site").toString()),
        features + ": empty or truncated gzip stream");
    byte[] gz = Files.readAllBytes(data("whole").resolve(DataDir.featureFiles(7).get(0)));
    Files.write(features, java.util.Arrays.copyOf(gz, gz.length / 2));
    assertOneLineError(run("render", "--data", data.toString(), "--out", dir.resolve("site").toString()),
        features + ": empty or truncated gzip stream");
  }
}
