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
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Interval;
import org.featureatlas.data.Manifest;
import org.featureatlas.data.TokenValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SiteRendererTest {
  private static final Pattern TOKEN = Pattern.compile("<i(?: class=\"[^\"]*\")?>([^<]*)</i>");
  private static final Pattern SCRIPT_TAG = Pattern.compile("<script[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern HOVER = Pattern.compile(
      "<script type=\"application/json\" id=\"hover\">(.*?)</script>", Pattern.DOTALL);

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
    for (String p : List.of("index.html", "search.html", "search.json", "search/0.json", "search/0.js", "404.html",
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
        assertTrue(tag.matches("<script src=\"[^\"]+\\.js\">") || tag.equals("<script type=\"application/json\" id=\"hover\">"),
            path + " has " + tag);
      }
      assertFalse(html.contains("<img"), path);
      assertFalse(html.matches("(?s).*<[a-zA-Z][^<>]*\\son[a-z]+=.*"), path + " has an event handler attribute");
      assertFalse(html.contains("javascript:alert(2)"), path + " keeps the note's javascript: link");
      assertFalse(html.matches("(?s).*[\u2028\u2029\u202E\u200F].*"), path + " holds a raw line separator or bidi control");
    }
  }

  @Test
  void featurePageTokensShowTheVocabularyStringsLiterallyInExampleOrder() throws Exception {
    TokenText text = new TokenText(vocab);
    ObjectMapper json = new ObjectMapper();
    for (FeatureRecord f : records) {
      String html = SiteFiles.text(site, "features/" + f.index() + ".html");
      List<String> shown = SiteFiles.all(TOKEN, html, 1).stream().map(SiteFiles::unescape).toList();
      List<Example> order = new ArrayList<>(f.topExamples());
      List<Interval> iv = new ArrayList<>(f.intervals());
      iv.sort(Comparator.comparingDouble(Interval::hi).reversed());
      iv.forEach(v -> order.addAll(v.examples()));
      List<String> expected = new ArrayList<>();
      for (Example e : order) {
        for (int t : e.tokens()) {
          expected.add(SiteFiles.visibleReference(vocab.get(t)));
        }
      }
      assertEquals(expected, shown, "tokens of feature " + f.index());

      String blob = HOVER.matcher(html).results().findFirst().orElseThrow().group(1);
      assertFalse(blob.contains("<") || blob.contains(">") || blob.contains("&"), "unescaped JSON on " + f.index());
      JsonNode hover = json.readTree(blob);
      assertEquals(order.size(), hover.get("x").size());
      for (int k = 0; k < order.size(); k++) {
        Example e = order.get(k);
        JsonNode x = hover.get("x").get(k);
        assertEquals(e.seq(), x.get(0).asInt());
        assertEquals(e.start(), x.get(1).asInt());
        java.util.Map<Integer, JsonNode> rows = new java.util.HashMap<>();
        x.get(2).forEach(r -> rows.put(r.get(0).asInt(), r));
        for (int q = 0; q < e.tokens().size(); q++) {
          JsonNode r = rows.get(q);
          assertClose(e.acts().get(q), r == null ? 0.0 : r.get(1).asDouble(), "act");
          Double loss = e.lossEffect().get(q);
          boolean nullLoss = r == null ? e.start() + q == 0 : r.get(2).isNull();
          assertEquals(loss == null, nullLoss, "null loss effect at " + q);
          if (loss != null) {
            assertClose(loss, r == null ? 0.0 : r.get(2).asDouble(), "loss");
          }
          if (e.topLogprob().get(q).isEmpty()) {
            assertTrue(r == null || r.size() == 3, "no log-prob changes at " + q);
            continue;
          }
          JsonNode ids = r.size() > 5 ? r.get(5) : hover.get("t");
          JsonNode bids = r.size() > 5 ? r.get(6) : hover.get("b");
          for (int j = 0; j < 5; j++) {
            TokenValue tv = e.topLogprob().get(q).get(j);
            assertEquals(text.show(tv.token()), hover.get("s").get(ids.get(j).asInt()).asText());
            assertClose(tv.value(), r.get(3).get(j).asDouble(), "top log-prob");
            TokenValue bv = e.bottomLogprob().get(q).get(j);
            assertEquals(text.show(bv.token()), hover.get("s").get(bids.get(j).asInt()).asText());
            assertClose(bv.value(), r.get(4).get(j).asDouble(), "bottom log-prob");
          }
        }
      }
    }
  }

  private static void assertClose(double expected, double actual, String what) {
    double tol = Math.max(Math.abs(expected) * 5e-3, 1e-12);
    assertEquals(expected, actual, tol, what);
  }

  @Test
  void featurePageShowsEveryPanelWithTheRecordsNumbers() {
    FeatureRecord f = records.get(1);
    String html = SiteFiles.text(site, "features/1.html");
    for (String id : List.of("neuron-alignment", "correlated-neurons", "correlated-features-b", "density",
        "act-histogram", "bottom-logits", "top-logits", "logit-histogram", "top", "interval-0", "interval-9", "tip",
        "hover", "prev", "next", "random", "up")) {
      assertTrue(html.contains("id=\"" + id + "\""), "panel " + id);
    }
    String top = html.substring(html.indexOf("id=\"top-logits\""), html.indexOf("</table>", html.indexOf("id=\"top-logits\"")));
    List<String> values = SiteFiles.all(Pattern.compile("</td><td>([^<]+)</td>"), top, 1);
    assertEquals(f.logits().top().size(), values.size());
    for (int i = 0; i < values.size(); i++) {
      assertClose(f.logits().top().get(i).value(), Double.parseDouble(values.get(i)), "top logit " + i);
    }
    String density = new BigDecimal(f.density() * 100).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    assertTrue(html.contains("Activation density " + density + "%"), "density " + density);
    String act = html.substring(html.indexOf("id=\"act-histogram\""));
    String d = act.substring(act.indexOf(" d=\"") + 4, act.indexOf("\"", act.indexOf(" d=\"") + 4));
    long nonEmpty = f.actHistogram().counts().stream().filter(c -> c > 0).count();
    assertEquals(nonEmpty, d.chars().filter(c -> c == 'M' || c == 'm').count(), "one bar per non-empty bin");
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
    JsonNode shard = json.readTree(site.get("search/0.json"));
    String script = SiteFiles.text(site, "search/0.js");
    assertEquals("atlasShard(0, " + SiteFiles.text(site, "search/0.json") + ");\n", script);
    TokenText text = new TokenText(vocab);
    for (FeatureRecord f : records) {
      JsonNode row = shard.get("f").get(f.index());
      assertEquals(f.index(), row.get(0).asInt());
      for (int j = 0; j < f.logits().top().size(); j++) {
        assertEquals(text.show(f.logits().top().get(j).token()), shard.get("s").get(row.get(4).get(j).asInt()).asText());
      }
      Set<String> active = new java.util.HashSet<>();
      for (Example e : f.topExamples()) {
        for (int q = 0; q < e.tokens().size(); q++) {
          if (e.acts().get(q) > 0) {
            active.add(text.show(e.tokens().get(q)));
          }
        }
      }
      for (JsonNode id : row.get(3)) {
        assertTrue(active.contains(shard.get("s").get(id.asInt()).asText()));
      }
      assertEquals(Math.min(active.size(), FeatureSummary.MAX_TOKENS), row.get(3).size());
      String top = text.show(f.topExamples().isEmpty() ? -1 : f.topExamples().get(0).tokens()
          .get(f.topExamples().get(0).pos() - f.topExamples().get(0).start()));
      if (!f.isDead()) {
        assertEquals(top, shard.get("s").get(row.get(3).get(0).asInt()).asText(), "the top activation's token comes first");
      }
    }
    assertTrue(shard.get("f").get(0).get(5).asText().contains("Feature zero"));
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
