package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Pattern;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureCosine;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Interval;
import org.featureatlas.data.Manifest;
import org.featureatlas.data.TokenValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SiteRendererTest {
  private static final Pattern SCRIPT_TAG = Pattern.compile("<script[^>]*>", Pattern.CASE_INSENSITIVE);

  static SortedMap<String, byte[]> site;
  static List<FeatureRecord> records;
  static List<String> vocab;

  @BeforeAll
  static void renderTiny() {
    RenderOptions opts = RenderOptions.defaults(Fixtures.tiny());
    site = SiteFiles.render(opts, 2);
    Manifest m = DataDir.readManifest(Fixtures.tiny());
    records = DataDir.readFeatures(Fixtures.tiny(), m);
    vocab = DataDir.readVocab(Fixtures.tiny());
  }

  @Test
  void outputIsByteIdenticalAcrossRunsAndThreadCounts() {
    RenderOptions opts = RenderOptions.defaults(Fixtures.tiny());
    for (int threads : new int[] {1, 4}) {
      SortedMap<String, byte[]> again = SiteFiles.render(opts, threads);
      assertEquals(site.keySet(), again.keySet());
      for (String path : site.keySet()) {
        assertArrayEquals(site.get(path), again.get(path), path + " differs with " + threads + " threads");
      }
    }
  }

  @Test
  void siteHasEveryKindOfFile() {
    for (String p : List.of("index.html", "search.html", "search.json", "search/0.js", "vocab.js", "404.html",
        ".nojekyll", "static/site.css", "static/feature.js", "static/search.js", "static/table.js")) {
      assertTrue(site.containsKey(p), p);
    }
    for (int i = 0; i < records.size(); i++) {
      assertTrue(site.containsKey("features/" + i + ".html"), "feature " + i);
    }
    assertEquals(0, site.get(".nojekyll").length);
  }

  @Test
  void everyLinkIsRelativeAndResolvesInsideTheSite() {
    for (String path : site.keySet()) {
      if (!path.endsWith(".html")) {
        continue;
      }
      String html = SiteFiles.text(site, path);
      for (String link : SiteFiles.links(html)) {
        assertFalse(link.startsWith("/") || link.contains("://") || link.startsWith("//") || link.startsWith("javascript:"),
            path + " has a non-relative link " + link);
        if (link.startsWith("#")) {
          continue;
        }
        String target = SiteFiles.resolve(path, link);
        assertNotNull(target, path + ": " + link + " leaves the site");
        assertTrue(site.containsKey(target), path + ": " + link + " -> " + target + " does not exist");
      }
    }
  }

  @Test
  void onlyExternalScriptsAndJsonDataBlocks() {
    for (String path : site.keySet()) {
      if (!path.endsWith(".html")) {
        continue;
      }
      String html = SiteFiles.text(site, path);
      for (String tag : SiteFiles.all(SCRIPT_TAG, html, 0)) {
        assertTrue(tag.matches("<script src=\"[^\"]+\\.js\">") || tag.equals("<script type=\"application/json\" id=\"data\">"),
            path + " has " + tag);
      }
      assertFalse(html.contains("<img"), path);
      assertFalse(html.matches("(?s).*<[a-zA-Z][^<>]*\\son[a-z]+=.*"), path + " has an event handler attribute");
      assertFalse(html.contains("javascript:alert(2)"), path + " keeps the note's javascript: link");
      assertFalse(html.matches("(?s).*[\u2028\u2029\u202E\u200F].*"), path + " holds a raw line separator or bidi control");
    }
  }

  @Test
  void featurePageDataHoldsTheTokensAndHoverValuesInExampleOrder() throws Exception {
    List<String> shownVocab = new ObjectMapper().readValue(vocabJson(), new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {});
    assertEquals(vocab.size(), shownVocab.size());
    for (int t = 0; t < vocab.size(); t++) {
      assertEquals(SiteFiles.visibleReference(vocab.get(t)), shownVocab.get(t), "vocab.js token " + t);
    }
    for (FeatureRecord f : records) {
      String html = SiteFiles.text(site, "features/" + f.index() + ".html");
      PageDataReader.Page page = PageDataReader.read(html);
      List<Example> order = new ArrayList<>(f.topExamples());
      List<Interval> iv = new ArrayList<>(f.intervals());
      iv.sort(Comparator.comparingDouble(Interval::hi).reversed());
      iv.forEach(v -> order.addAll(v.examples()));
      assertEquals(order.size(), page.examples().size(), "examples of feature " + f.index());
      for (int k = 0; k < order.size(); k++) {
        Example e = order.get(k);
        PageDataReader.Ex x = page.examples().get(k);
        assertEquals(e.seq(), x.seq());
        assertEquals(e.start(), x.start());
        assertEquals(e.pos() - e.start(), x.centre());
        assertEquals(e.tokens(), x.tokens().stream().map(PageDataReader.Token::id).toList(), "tokens of " + f.index());
        for (int q = 0; q < e.tokens().size(); q++) {
          PageDataReader.Token r = x.tokens().get(q);
          assertThreeDigits(e.acts().get(q), r.act(), "act");
          Double loss = e.lossEffect().get(q);
          assertEquals(loss == null, r.nullLoss(), "null loss effect at " + q);
          if (loss != null) {
            assertThreeDigits(loss, r.loss(), "loss");
          }
          assertEquals(e.topLogprob().get(q).size(), r.top().size());
          for (int j = 0; j < r.top().size(); j++) {
            TokenValue tv = e.topLogprob().get(q).get(j);
            assertEquals(tv.token(), r.topIds().get(j));
            assertThreeDigits(tv.value(), r.top().get(j), "top log-prob");
            TokenValue bv = e.bottomLogprob().get(q).get(j);
            assertEquals(bv.token(), r.bottomIds().get(j));
            assertThreeDigits(bv.value(), r.bottom().get(j), "bottom log-prob");
          }
        }
      }
    }
  }

  private static String vocabJson() {
    String js = SiteFiles.text(site, "vocab.js");
    assertTrue(js.startsWith("var atlasVocab = ") && js.endsWith(";\n"), js.substring(0, 20));
    assertFalse(js.contains("<") || js.contains(">") || js.contains("&") || js.contains("\u2028"), "unescaped vocab.js");
    String[] lines = js.split("\n");
    assertEquals(2, lines.length, "vocab.js: the vocabulary, then the site's facts");
    assertTrue(lines[1].startsWith("var atlasSite = {\"count\":"), lines[1]);
    return lines[0].substring("var atlasVocab = ".length(), lines[0].length() - 1);
  }

  /** {@code shown} is {@code expected} rounded half-even to 3 significant digits (an independent rounding). */
  private static void assertThreeDigits(double expected, BigDecimal shown, String what) {
    BigDecimal want = expected == 0 ? BigDecimal.ZERO : new BigDecimal(expected).round(new MathContext(3, java.math.RoundingMode.HALF_EVEN));
    assertEquals(0, want.compareTo(shown), what + ": " + expected + " shown as " + shown);
  }

  @Test
  void featurePageDataHoldsEveryPanelsNumbers() {
    for (FeatureRecord f : records) {
      PageDataReader.Page page = PageDataReader.read(SiteFiles.text(site, "features/" + f.index() + ".html"));
      assertThreeDigits(f.density() * 100, page.densityPercent(), "density");
      assertThreeDigits(f.maxAct(), page.max(), "max");
      assertThreeDigits(f.meanAct(), page.mean(), "mean");
      assertEquals(f.logits().top().size(), page.top().size());
      for (int i = 0; i < page.top().size(); i++) {
        assertEquals(f.logits().top().get(i).token(), page.top().get(i).id());
        assertThreeDigits(f.logits().top().get(i).value(), page.top().get(i).value(), "top logit " + i);
      }
      assertEquals(f.logits().bottom().size(), page.bottom().size());
      assertEquals(f.actHistogram().counts(), page.actCounts());
      assertEquals(f.logits().histogram().counts(), page.logitCounts());
      assertEquals(f.correlatedFeaturesB() == null ? 2 : 3, page.tables().size());
      assertTrue(f.similarFeatures() == null && page.similar().isEmpty(), "the tiny fixture is format 1: no similar features");
      for (int k = 0; k < f.neuronAlignment().size(); k++) {
        BigDecimal[] r = page.tables().get(0).get(k);
        assertEquals(f.neuronAlignment().get(k).unit(), r[0].intValue());
        assertThreeDigits(f.neuronAlignment().get(k).a(), r[1], "alignment");
        assertThreeDigits(f.neuronAlignment().get(k).b() * 100, r[2], "share of L1");
      }
    }
    String html = SiteFiles.text(site, "features/1.html");
    assertFalse(html.contains("data-b-site"), "no --b-site: B's ids are plain text");
    for (String id : List.of("grid", "data", "prev", "next", "random", "up")) {
      assertTrue(html.contains("id=\"" + id + "\""), "element " + id);
    }
  }

  /**
   * Format-2 data: the page data holds both similar-features tables (same SAE, encoder B), every feature and
   * cosine as the record has them (3 digits); --b-site reaches the page as data-b-site, checked and relative.
   */
  @Test
  void similarFeaturesReachThePageData(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
    java.nio.file.Path data = Fixtures.synthetic(tmp.resolve("data"), Fixtures.TINY);
    SortedMap<String, byte[]> two = SiteFiles.render(RenderOptions.defaults(data).withBSite("../atlas-b").withFeatures(2, 6), 2);
    int checked = 0;
    for (FeatureRecord f : DataDir.readFeatures(data, DataDir.readManifest(data))) {
      if (f.index() < 2 || f.index() >= 6) {
        assertFalse(two.containsKey("features/" + f.index() + ".html"));
        continue;
      }
      String html = SiteFiles.text(two, "features/" + f.index() + ".html");
      assertTrue(html.contains(" data-b-site=\"../atlas-b/\""), "data-b-site of " + f.index());
      PageDataReader.Page page = PageDataReader.read(html);
      List<List<FeatureCosine>> similar = List.of(f.similarFeatures(), f.similarFeaturesB());
      assertEquals(2, page.similar().size(), "similar-features tables of " + f.index());
      for (int t = 0; t < 2; t++) {
        assertEquals(similar.get(t).size(), page.similar().get(t).size());
        for (int k = 0; k < similar.get(t).size(); k++) {
          BigDecimal[] r = page.similar().get(t).get(k);
          assertEquals(similar.get(t).get(k).feature(), r[0].intValue(), "similar feature " + k + " of " + f.index());
          assertThreeDigits(similar.get(t).get(k).cosine(), r[1], "similar cosine");
          checked++;
        }
      }
    }
    assertTrue(checked >= 40, checked + " rows");
    for (String bad : List.of("/abs/", "https://example.com/", "javascript:alert(1)", "a b/", "./x/", "..\\x/")) {
      org.featureatlas.check.AtlasException e = org.junit.jupiter.api.Assertions.assertThrows(
          org.featureatlas.check.AtlasException.class, () -> SiteFiles.render(RenderOptions.defaults(data).withBSite(bad), 1));
      assertTrue(e.getMessage().startsWith("--b-site must be a relative path"), e.getMessage());
    }
    org.featureatlas.check.AtlasException noB = org.junit.jupiter.api.Assertions.assertThrows(
        org.featureatlas.check.AtlasException.class, () -> SiteFiles.render(RenderOptions.defaults(Fixtures.synthetic(
            tmp.resolve("no-b"), new org.featureatlas.render.synthetic.SyntheticSpec(5, 64, 3, false, false))).withBSite("b/"), 1));
    assertTrue(noB.getMessage().contains("has no second SAE"), noB.getMessage());
  }

  @Test
  void navigationLinksPointAtNeighboursAndTheIndex() {
    String first = SiteFiles.text(site, "features/0.html");
    assertFalse(first.contains("id=\"prev\""));
    assertTrue(first.contains("id=\"next\" rel=\"next\" href=\"1.html\""));
    String mid = SiteFiles.text(site, "features/4.html");
    assertTrue(mid.contains("id=\"prev\" rel=\"prev\" href=\"3.html\""));
    assertTrue(mid.contains("id=\"next\" rel=\"next\" href=\"5.html\""));
    assertTrue(mid.contains("id=\"up\" href=\"../index.html\""));
    String last = SiteFiles.text(site, "features/6.html");
    assertFalse(last.contains("id=\"next\""));
    for (int i = 0; i < 7; i++) {
      int r = FeaturePage.randomNeighbour(i, 7);
      assertTrue(r >= 0 && r < 7 && r != i, "random link of " + i + " is " + r);
    }
  }

  @Test
  void deadFeaturesAreCountedAndListed() {
    String index = SiteFiles.text(site, "index.html");
    long dead = records.stream().filter(FeatureRecord::isDead).count();
    assertEquals(1, dead);
    assertTrue(index.contains("Dead features: " + dead));
    assertTrue(index.contains("<li><a href=\"features/" + Fixtures.DEAD + ".html\">" + Fixtures.DEAD + "</a></li>"));
    assertTrue(SiteFiles.text(site, "features/" + Fixtures.DEAD + ".html").contains("Dead feature"));
    assertTrue(index.contains((records.size() - dead) + " alive features"));
  }

  @Test
  void notesAreRenderedWithRawHtmlEscaped() {
    String f0 = SiteFiles.text(site, "features/0.html");
    assertTrue(f0.contains("<h1>Feature zero</h1>"));
    assertTrue(f0.contains("&lt;script&gt;alert('note')&lt;/script&gt;") || f0.contains("&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;"));
    assertTrue(f0.contains("{{ 7*7 }}"), "template syntax in a note shows literally");
    assertTrue(f0.contains("⟨U+202E⟩evil"));
    assertTrue(f0.contains("\uD83D\uDE00"), "emoji kept");
    assertTrue(f0.contains("<a href=\"1.html\">ok</a>"));
    assertTrue(SiteFiles.text(site, "features/2.html").contains("<em>second</em>"));
    assertFalse(SiteFiles.text(site, "features/1.html").contains("class=\"note\""));
    String index = SiteFiles.text(site, "index.html");
    assertTrue(index.contains("<h1>About this atlas</h1>"));
    assertTrue(index.contains("&lt;b&gt;not bold&lt;/b&gt;"));
  }

  @Test
  void searchShardsHoldEveryFeatureWithTokensLogitsAndNotes() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode manifest = json.readTree(site.get("search.json"));
    assertEquals(records.size(), manifest.get("count").asInt());
    String script = SiteFiles.text(site, "search/0.js");
    assertTrue(script.startsWith("atlasShard(0, ") && script.endsWith(");\n"), script.substring(0, 20));
    JsonNode shard = json.readTree(script.substring("atlasShard(0, ".length(), script.length() - 3));
    assertEquals(0, shard.get("first").asInt());
    int w = shard.get("w").asInt();
    assertEquals(vocab.size() <= 85 ? 1 : vocab.size() <= 85 * 85 ? 2 : 3, w, "digits per token id");
    TokenText text = new TokenText(vocab);
    assertEquals(records.size(), shard.get("f").size());
    for (FeatureRecord f : records) {
      JsonNode row = shard.get("f").get(f.index());
      assertEquals(f.density(), row.get(0).asDouble(), Math.abs(f.density()) * 5e-3, "density, 3 digits");
      assertEquals(f.maxAct(), row.get(1).asDouble(), Math.abs(f.maxAct()) * 5e-3, "max act, 3 digits");
      List<Integer> logits = base85Ids(row.get(3).asText(), w);
      assertEquals(f.logits().top().stream().map(t -> t.token()).toList(), logits, "top logit ids");
      Set<String> active = new java.util.HashSet<>();
      for (Example e : f.topExamples()) {
        for (int q = 0; q < e.tokens().size(); q++) {
          if (e.acts().get(q) > 0) {
            active.add(text.show(e.tokens().get(q)));
          }
        }
      }
      List<Integer> act = base85Ids(row.get(2).asText(), w);
      for (int id : act) {
        assertTrue(active.contains(text.show(id)));
      }
      assertEquals(Math.min(active.size(), FeatureSummary.MAX_TOKENS), act.size());
      int top = f.topExamples().isEmpty() ? -1 : f.topExamples().get(0).tokens()
          .get(f.topExamples().get(0).pos() - f.topExamples().get(0).start());
      if (!f.isDead()) {
        assertEquals(top, (int) act.get(0), "the top activation's token comes first");
      }
    }
    assertTrue(shard.get("f").get(0).get(4).asText().contains("Feature zero"));
  }

  /** Token ids written as {@code w} base-85 digits each (an independent reading of the alphabet). */
  private static List<Integer> base85Ids(String s, int w) {
    String alphabet = "!#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz{}~";
    assertEquals(85, alphabet.length());
    assertEquals(0, s.length() % w, s);
    List<Integer> out = new ArrayList<>();
    for (int at = 0; at < s.length(); at += w) {
      int id = 0;
      for (int j = 0; j < w; j++) {
        int d = alphabet.indexOf(s.charAt(at + j));
        assertTrue(d >= 0, s);
        id = id * 85 + d;
      }
      out.add(id);
    }
    return out;
  }

  @Test
  void notFoundPageUsesTheBaseUrl() {
    SortedMap<String, byte[]> based = SiteFiles.render(RenderOptions.defaults(Fixtures.tiny()).withBaseUrl("/atlas"), 1);
    String nf = SiteFiles.text(based, "404.html");
    assertTrue(nf.contains("href=\"/atlas/static/site.css\""));
    assertTrue(nf.contains("href=\"/atlas/index.html\""));
    assertArrayEquals(site.get("features/1.html"), based.get("features/1.html"), "the base URL changes only 404.html");
  }
}
