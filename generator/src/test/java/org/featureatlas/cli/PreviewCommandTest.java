package org.featureatlas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.featureatlas.site.FakeSite;
import org.featureatlas.site.preview.DirectorySource;
import org.featureatlas.site.preview.LiveSite;
import org.featureatlas.site.preview.PreviewServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code atlas preview} prints once it listens: the URL, and a warning on stderr when others can reach it. */
class PreviewCommandTest {
  @TempDir
  Path tmp;

  private record Printed(String out, String err) {}

  private Printed announce(String host) {
    Path site = FakeSite.write(tmp.resolve("site-" + host.replace(':', '_')));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PreviewServer server = PreviewServer.start(new LiveSite(new DirectorySource(site)), host, 0, false)) {
      PreviewCommand.announce(server, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("atlas: previewing at " + server.uri()));
    }
    return new Printed(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyInterfaceGetsOneWarningLineOnStderr() {
    Printed p = announce("0.0.0.0");
    List<String> lines = p.err().lines().toList();
    assertEquals(1, lines.size(), p.err());
    assertTrue(lines.get(0).matches("atlas: warning: preview listens on 0\\.0\\.0\\.0:\\d+ \\(all interfaces\\): "
        + "anyone who can reach this machine on the network can read the site.*"), lines.get(0));
    assertTrue(p.out().startsWith("atlas: previewing at http://127.0.0.1:"), p.out());
  }

  @Test
  void loopbackPrintsNoWarning() {
    for (String host : new String[] {"127.0.0.1", "localhost"}) {
      Printed p = announce(host);
      assertEquals("", p.err(), host);
      assertTrue(p.out().startsWith("atlas: previewing at http://"), p.out());
    }
  }

  @Test
  void thePromptViewNeedsBothModelAndSae() {
    java.io.StringWriter err = new java.io.StringWriter();
    int rc = Atlas.execute(new java.io.PrintWriter(new java.io.StringWriter(), true), new java.io.PrintWriter(err, true),
        "preview", "--site", ".", "--model", "demo/model", "--port", "0");
    assertEquals(2, rc, err.toString());
    assertTrue(err.toString().contains("the prompt view needs both --model and --sae"), err.toString());
  }
}
