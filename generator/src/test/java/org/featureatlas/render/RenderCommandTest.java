package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.cli.Atlas;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.render.synthetic.SyntheticData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {
  @Test
  void rendersTheFixtureIntoTheOutputDirectory(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("site");
    int code = run("render", "--data", Fixtures.tiny().toString(), "--out", out.toString(), "--threads", "2",
        "--base-url", "/repo/");
    assertEquals(0, code);
    assertTrue(Files.isRegularFile(out.resolve("index.html")));
    assertTrue(Files.isRegularFile(out.resolve("features/6.html")));
    assertTrue(Files.isRegularFile(out.resolve(".nojekyll")));
    assertTrue(Files.readString(out.resolve("404.html")).contains("href=\"/repo/index.html\""));
  }

  @Test
  void printsTheSiteSizeAndFileCount(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("site");
    Captured c = capture(() -> run("render", "--data", Fixtures.tiny().toString(), "--out", out.toString(), "--threads", "1"));
    assertEquals(0, c.code, c.err);
    long bytes = 0;
    int files = 0;
    try (var walk = Files.walk(out)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        bytes += Files.size(p);
        files++;
      }
    }
    assertTrue(c.out.contains(String.format(java.util.Locale.ROOT, "%.1f MB in %,d files", bytes / 1e6, files)), c.out);
  }

  @Test
  void featuresRendersARangeWhoseLinksStayInside(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("site");
    Captured c = capture(() -> run("render", "--data", Fixtures.tiny().toString(), "--out", out.toString(),
        "--features", "2:5"));
    assertEquals(0, c.code, c.err);
    try (var list = Files.list(out.resolve("features"))) {
      assertEquals(List.of("2.html", "3.html", "4.html"), list.map(p -> p.getFileName().toString()).sorted().toList());
    }
    String first = Files.readString(out.resolve("features/2.html"));
    assertTrue(!first.contains("id=\"prev\"") && first.contains("href=\"3.html\""), "no link before the range");
    String last = Files.readString(out.resolve("features/4.html"));
    assertTrue(!last.contains("id=\"next\""), "no link after the range");
    for (int i = 2; i < 5; i++) {
      String page = Files.readString(out.resolve("features/" + i + ".html"));
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("id=\"random\" href=\"(\\d+)\\.html\"").matcher(page);
      assertTrue(m.find());
      int r = Integer.parseInt(m.group(1));
      assertTrue(r >= 2 && r < 5 && r != i, "random link of " + i + " is " + r);
    }
    assertTrue(Files.readString(out.resolve("vocab.js")).contains("var atlasSite = {\"count\":7,\"end\":5,\"first\":2,"),
        "the script's random stays in the range");
    String index = Files.readString(out.resolve("index.html"));
    assertTrue(index.contains("href=\"features/2.html\"") && !index.contains("href=\"features/1.html\"")
        && !index.contains("href=\"features/5.html\""), "the index lists the range only");
    assertTrue(org.featureatlas.site.links.LinkChecker.check(out).ok(), "every link resolves inside the site");
    String search = Files.readString(out.resolve("search/0.js"));
    assertTrue(search.contains("\"first\":2,") && search.split("\\],\\[", -1).length == 3, search);
  }

  @Test
  void anEmptyOrMalformedFeatureRangeIsAOneLineError(@TempDir Path tmp) {
    for (String bad : List.of("5:2", "3:3", "a:b", "7:", "100:200")) {
      Captured c = capture(() -> run("render", "--data", Fixtures.tiny().toString(), "--out", tmp.resolve("s").toString(),
          "--features", bad));
      assertEquals(2, c.code, bad + ": " + c.err);
      assertTrue(c.err.startsWith("atlas: error: ") && c.err.contains("--features") && c.err.strip().lines().count() == 1,
          c.err);
      assertTrue(!Files.exists(tmp.resolve("s")), "no site");
    }
  }

  @Test
  void aMissingDataDirectoryIsAOneLineError(@TempDir Path tmp) {
    Captured c = capture(() -> run("render", "--data", tmp.resolve("nope").toString(), "--out", tmp.resolve("s").toString()));
    assertEquals(2, c.code);
    assertTrue(c.err.startsWith("atlas: error: ") && c.err.contains("nope") && c.err.strip().lines().count() == 1, c.err);
  }

  @Test
  void aMalformedRecordNamesTheFeature(@TempDir Path tmp) {
    Path data = tmp.resolve("data");
    List<FeatureRecord> records = new ArrayList<>();
    for (int i = 0; i < Fixtures.TINY.dSae(); i++) {
      FeatureRecord f = SyntheticData.feature(Fixtures.TINY, i);
      if (i == 2) {
        Example e = f.topExamples().get(0);
        Example broken = new Example(e.seq(), e.pos(), e.act(), e.start(), e.tokens(), e.acts().subList(0, 3),
            e.lossEffect(), e.topLogprob(), e.bottomLogprob());
        List<Example> top = new ArrayList<>(f.topExamples());
        top.set(0, broken);
        f = new FeatureRecord(f.index(), f.density(), f.maxAct(), f.meanAct(), f.actHistogram(), f.logits(),
            f.neuronAlignment(), f.correlatedNeurons(), f.correlatedFeaturesB(), top, f.intervals())
            .withSimilar(f.similarFeatures(), f.similarFeaturesB());
      }
      records.add(f);
    }
    DataDir.write(data, SyntheticData.manifest(Fixtures.TINY), SyntheticData.vocab(Fixtures.TINY), records.iterator());
    Captured c = capture(() -> run("render", "--data", data.toString(), "--out", tmp.resolve("s").toString()));
    assertEquals(2, c.code);
    assertTrue(c.err.contains("features-00000.jsonl.gz: line 3, feature 2: top_examples[0] has 11 tokens but a parallel list of 3"),
        c.err);
    assertTrue(!Files.exists(tmp.resolve("s")), "no partial site");
  }

  @Test
  void refusesToReplaceAnInputOrAForeignDirectory(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    org.featureatlas.render.synthetic.SyntheticData.write(data, Fixtures.TINY);
    Captured c = capture(() -> run("render", "--data", data.toString(), "--out", tmp.toString()));
    assertEquals(2, c.code);
    assertTrue(c.err.contains("would replace an input"), c.err);
    assertTrue(Files.isRegularFile(data.resolve("manifest.json")), "the data survive");
    Path foreign = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(foreign.resolve("thesis.tex"), "precious");
    c = capture(() -> run("render", "--data", data.toString(), "--out", foreign.toString()));
    assertEquals(2, c.code);
    assertTrue(c.err.contains("not an atlas site"), c.err);
    assertEquals("precious", Files.readString(foreign.resolve("thesis.tex")));
  }

  @Test
  void replacesAPreviousSiteAndKeepsAGitkeepPlaceholder(@TempDir Path tmp) throws Exception {
    Path out = Files.createDirectories(tmp.resolve("site-out"));
    Files.writeString(out.resolve(".gitkeep"), "");
    assertEquals(0, run("render", "--data", Fixtures.tiny().toString(), "--out", out.toString()));
    assertTrue(Files.isRegularFile(out.resolve(".gitkeep")));
    assertTrue(Files.isRegularFile(out.resolve("index.html")));
    Files.writeString(out.resolve("stale.html"), "old");
    assertEquals(0, run("render", "--data", Fixtures.tiny().toString(), "--out", out.toString()));
    assertTrue(!Files.exists(out.resolve("stale.html")), "a re-render replaces the old site");
  }

  @Test
  void badExplanationRowsAreWarningsAndAMissingFileIsAOneLineError(@TempDir Path tmp) throws Exception {
    Path csv = Files.writeString(tmp.resolve("mine.csv"), "index,description\n1,fires on commas\n1,\"two\",\"fields\",too\n"
        + "x,no index\n12,out of range\n");
    Path out = tmp.resolve("site");
    Captured c = capture(() -> run("render", "--data", Fixtures.tiny().toString(), "--out", out.toString(),
        "--explanations", csv.toString()));
    assertEquals(0, c.code, c.err);
    List<String> warnings = c.err.lines().filter(l -> l.startsWith("atlas: warning: ")).toList();
    assertEquals(3, warnings.size(), c.err);
    assertTrue(warnings.get(0).startsWith("atlas: warning: " + csv + ":3: 4 fields, expected 2"), c.err);
    assertTrue(warnings.get(1).startsWith("atlas: warning: " + csv + ":4: index \u201Cx\u201D is not a feature index"), c.err);
    assertTrue(warnings.get(2).startsWith("atlas: warning: " + csv + ":5: feature 12 is out of range"), c.err);
    assertTrue(Files.readString(out.resolve("features/1.html")).contains("<span class=\"x\">fires on commas</span>"),
        "the good row is shown");
    Path missing = tmp.resolve("nope.jsonl");
    for (String[] args : List.of(new String[] {"--explanations", missing.toString()},
        new String[] {"--explanations", csv.toString(), "--explanations-source", "no-slash"})) {
      List<String> cmd = new ArrayList<>(List.of("render", "--data", Fixtures.tiny().toString(), "--out", tmp.resolve("s2").toString()));
      cmd.addAll(List.of(args));
      Captured e = capture(() -> run(cmd.toArray(new String[0])));
      assertEquals(2, e.code, e.err);
      assertTrue(e.err.startsWith("atlas: error: ") && e.err.strip().lines().count() == 1, e.err);
      assertTrue(e.err.contains(args[0].equals("--explanations") && args.length == 2 ? missing + ": no such file"
          : "--explanations-source must be MODEL_ID/SOURCE_ID"), e.err);
      assertTrue(!Files.exists(tmp.resolve("s2")), "no site");
    }
  }

  @Test
  void helpDescribesTheOptions() {
    Captured c = capture(() -> run("render", "--help"));
    assertEquals(0, c.code);
    assertTrue(c.out.contains("--data") && c.out.contains("--base-url") && c.out.contains("--notes")
        && c.out.contains("--explanations") && c.out.contains("--explanations-source"), c.out);
  }

  private static int run(String... args) {
    return Atlas.execute(args);
  }

  private record Captured(int code, String out, String err) {}

  private static Captured capture(java.util.function.IntSupplier body) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = body.getAsInt();
      return new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
