package org.featureatlas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.featureatlas.data.DataDir;
import org.featureatlas.io.Npy;
import org.featureatlas.model.Gpt2Config;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.render.SiteRenderer;
import org.featureatlas.site.links.LinkChecker;
import org.featureatlas.site.links.LinkReport;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeConfig;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code atlas build} leaves both a data directory and a site with a page per feature. */
class BuildCommandTest {
  @TempDir
  Path dir;

  void inputs() throws Exception {
    Gpt2Config cfg = new Gpt2Config(1, 2, 16, 16, 40, 64, 1e-5, "gelu_new");
    Gpt2Weights.random(cfg, 1).save(dir.resolve("model"), false);
    SaeConfig sc = new SaeConfig(Architecture.STANDARD, 64, 24, "blocks.0.mlp.hook_post", true, 0, null, "t");
    SaeWeights.random(sc, 2, 0.05).save(dir.resolve("sae"));
    int[] ids = new int[6 * 16];
    Random r = new Random(3);
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(40);
    Npy.writeInts(dir.resolve("tokens.npy"), 6, 16, ids);
  }

  int build(StringWriter err) {
    return Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "build",
        "--model", dir.resolve("model").toString(), "--sae", dir.resolve("sae").toString(),
        "--tokens", dir.resolve("tokens.npy").toString(), "--data", dir.resolve("data").toString(),
        "--site", dir.resolve("site").toString());
  }

  @Test
  void refusesToReplaceADirectoryThatIsNotASiteBeforeRunningTheModel() throws Exception {
    inputs();
    Files.createDirectories(dir.resolve("site"));
    Files.writeString(dir.resolve("site/precious.txt"), "keep me");
    StringWriter err = new StringWriter();
    assertEquals(2, build(err), err.toString());
    assertTrue(err.toString().contains("not an atlas site"), err.toString());
    assertTrue(Files.isRegularFile(dir.resolve("site/precious.txt")));
    assertTrue(Files.notExists(dir.resolve("data")), "generation ran although the site could not be written");
  }

  @Test
  void refusesASiteInsideTheDataDirectory() throws Exception {
    inputs();
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "build",
        "--model", dir.resolve("model").toString(), "--sae", dir.resolve("sae").toString(),
        "--tokens", dir.resolve("tokens.npy").toString(), "--data", dir.resolve("data").toString(),
        "--site", dir.resolve("data/site").toString());
    assertEquals(2, rc, err.toString());
    assertTrue(err.toString().contains("is inside --data"), err.toString());
    assertTrue(Files.notExists(dir.resolve("data")), "generation ran although the site could not be written");
  }

  @Test
  void refusesAMissingExplanationsFileBeforeRunningTheModel() throws Exception {
    inputs();
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "build",
        "--model", dir.resolve("model").toString(), "--sae", dir.resolve("sae").toString(),
        "--tokens", dir.resolve("tokens.npy").toString(), "--data", dir.resolve("data").toString(),
        "--site", dir.resolve("site").toString(), "--explanations", dir.resolve("nope.csv").toString());
    assertEquals(2, rc, err.toString());
    assertEquals("atlas: error: " + dir.resolve("nope.csv") + ": no such file", err.toString().strip());
    assertTrue(Files.notExists(dir.resolve("data")), "generation ran although the explanations are missing");
  }

  @Test
  void buildWritesDataAndSite() throws Exception {
    inputs();
    Files.createDirectories(dir.resolve("site"));
    Files.writeString(dir.resolve("site/.gitkeep"), "");
    StringWriter err = new StringWriter();
    int rc = build(err);
    assertEquals(0, rc, err.toString());
    assertTrue(Files.isRegularFile(dir.resolve("site/.gitkeep")), "the tracked placeholder survives a build");
    assertEquals(24, DataDir.readManifest(dir.resolve("data")).dSae());
    assertTrue(Files.isRegularFile(dir.resolve("site/index.html")));
    for (int i = 0; i < 24; i++) {
      assertTrue(Files.isRegularFile(dir.resolve("site").resolve(SiteRenderer.featurePath(i))), "page of feature " + i);
    }
    // A site built from generated data has no broken internal link or asset.
    LinkReport links = LinkChecker.check(dir.resolve("site"));
    assertTrue(links.documents() > 24 && links.checked() > 100, "link check saw too little: " + links.summary(3));
    assertTrue(links.ok(), links.summary(10));

    // Preview's re-render runs the templating stage only, and picks up a template edit.
    Path templates = dir.resolve("templates");
    Files.createDirectories(templates);
    try (var s = Files.list(RenderOptions.atlasHome().resolve("templates"))) {
      for (Path t : s.toList()) Files.copy(t, templates.resolve(t.getFileName()));
    }
    Supplier<Map<String, byte[]>> render = PreviewRendering.renderer(dir.resolve("data"), dir.resolve("data/notes"),
        templates, RenderOptions.atlasHome().resolve("static"), "/");
    String before = new String(render.get().get("features/3.html"), StandardCharsets.UTF_8);
    Path feature = templates.resolve("feature.html");
    Files.writeString(feature, Files.readString(feature).replaceFirst("</h1>", " EDITED-IN-TEST</h1>"));
    String after = new String(render.get().get("features/3.html"), StandardCharsets.UTF_8);
    assertTrue(!before.contains("EDITED-IN-TEST") && after.contains("EDITED-IN-TEST"), "template edit not rendered");
    // ... and explanations added to the data directory's folder.
    Files.createDirectories(dir.resolve("data/explanations"));
    Files.writeString(dir.resolve("data/explanations/ours.csv"), "3,EXPLAINED-IN-TEST\n");
    assertTrue(new String(render.get().get("features/3.html"), StandardCharsets.UTF_8).contains("EXPLAINED-IN-TEST"),
        "explanations in DATA/explanations not rendered");
  }
}
