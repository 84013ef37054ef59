package org.featureatlas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.featureatlas.render.synthetic.SyntheticData;
import org.featureatlas.render.synthetic.SyntheticSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code render} never replaces a git checkout, keeps a previous site's CNAME, and writes 0755 directories. */
class SiteOutputTest {
  @TempDir
  Path tmp;
  Path data;

  @BeforeEach
  void data() {
    data = tmp.resolve("data");
    SyntheticData.write(data, new SyntheticSpec(7, 64, 3, false, false));
  }

  record Run(int rc, String err) {}

  Run render(Path out) {
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        "render", "--data", data.toString(), "--out", out.toString(), "--threads", "2");
    return new Run(rc, err.toString().strip());
  }

  static TreeMap<String, String> snapshot(Path root) throws Exception {
    TreeMap<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) out.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir" : Files.readString(p));
    }
    return out;
  }

  @Test
  void refusesAGitCheckoutAndPointsToPublish() throws Exception {
    Path checkout = Files.createDirectories(tmp.resolve("gh-pages/.git/refs"));
    checkout = checkout.getParent().getParent();
    Files.writeString(checkout.resolve(".git/HEAD"), "ref: refs/heads/gh-pages\n");
    Files.writeString(checkout.resolve(".nojekyll"), "");
    Files.writeString(checkout.resolve("CNAME"), "atlas.example.org\n");
    Files.writeString(checkout.resolve("index.html"), "old site");
    TreeMap<String, String> before = snapshot(checkout);
    Run run = render(checkout);
    assertEquals(2, run.rc, run.err);
    assertEquals("atlas: error: " + checkout + ": is a git checkout (it holds .git), which rendering would replace;"
        + " render into another directory and use `atlas publish --site DIR` to put the site on a branch", run.err);
    assertEquals(before, snapshot(checkout));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of("data", "gh-pages"), s.map(p -> p.getFileName().toString()).sorted().toList(), "left working directories");
    }
  }

  @Test
  void keepsTheCnameAndGitkeepOfAPreviousSite() throws Exception {
    Path site = tmp.resolve("site");
    assertEquals(0, render(site).rc);
    Files.writeString(site.resolve("CNAME"), "atlas.example.org\n");
    Files.writeString(site.resolve(".gitkeep"), "");
    Files.writeString(site.resolve("stale.html"), "old");
    Run run = render(site);
    assertEquals(0, run.rc, run.err);
    assertEquals("atlas.example.org\n", Files.readString(site.resolve("CNAME")));
    assertTrue(Files.isRegularFile(site.resolve(".gitkeep")));
    assertTrue(Files.isRegularFile(site.resolve(".nojekyll")));
    assertTrue(Files.notExists(site.resolve("stale.html")), "the rest of the old site is replaced");
  }

  @Test
  void siteDirectoriesAreReadableByEveryone() throws Exception {
    Path site = tmp.resolve("site");
    assertEquals(0, render(site).rc);
    try (Stream<Path> s = Files.walk(site)) {
      List<Path> dirs = s.filter(Files::isDirectory).toList();
      assertTrue(dirs.size() >= 3, "expected the site, features/ and static/: " + dirs);
      for (Path dir : dirs) {
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), dir.toString());
      }
    }
  }
}
