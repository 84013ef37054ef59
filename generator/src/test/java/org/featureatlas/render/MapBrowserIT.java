package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.featureatlas.data.FeatureMap;
import org.featureatlas.data.MapPoint;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.render.synthetic.SyntheticData;
import org.featureatlas.render.synthetic.SyntheticSpec;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The feature map of 131,072 synthetic features in headless Chromium: it loads, holds one dot per feature on the
 * map, shows a hovered feature's top tokens, zooms and pans, rings a search result and opens a clicked feature's
 * page. Load and interaction times are printed as figures, never asserted. The site-wide files (index, search
 * shards, map data) are built by the renderer; feature pages are not needed and are skipped.
 */
class MapBrowserIT {
  /** 131,072 features; {@code -Datlas.mapFeatures=N} for another count. */
  static final int FEATURES = Integer.getInteger("atlas.mapFeatures", 131_072);

  @Test
  void mapOf131072FeaturesLoadsHoversZoomsHighlightsAndOpens() throws Exception {
    Path work = Files.createTempDirectory("atlas-map-it");
    try {
      SyntheticSpec spec = new SyntheticSpec(FEATURES, 50_257, 7, false, false);
      List<String> vocab = SyntheticData.vocab(spec);
      TokenText text = new TokenText(vocab);
      FeatureSummary[] summaries = new FeatureSummary[FEATURES];
      for (int i = 0; i < FEATURES; i++) {
        summaries[i] = FeatureSummary.of(SyntheticData.feature(spec, i));
      }
      FeatureMap map = SyntheticData.map(spec);
      RenderOptions defaults = RenderOptions.defaults(work);
      SiteInfo site = new SiteInfo("m", "s", "", "d", "h", FEATURES, SearchIndex.shardCount(FEATURES), "");
      Path siteDir = work.resolve("site");
      try (DiskSink sink = DiskSink.open(siteDir)) {
        SiteRenderer.writeSiteWide(site, summaries, text, Notes.load(work.resolve("no-notes"), FEATURES),
            new Templates(defaults.templatesDir()), sink, map);
        StaticAssets.copy(defaults.staticDir(), sink);
        sink.commit();
      }
      System.out.printf(Locale.ROOT, "map-data.js: %,d bytes for %,d features%n",
          Files.size(siteDir.resolve(MapData.PATH)), FEATURES);
      int target = loneliest(map);

      try (StaticServer server = new StaticServer(siteDir); Browser browser = new Browser()) {
        long t0 = System.nanoTime();
        browser.driver.get(server.url() + "index.html");
        WebDriverWait wait = new WebDriverWait(browser.driver, Duration.ofSeconds(120));
        wait.until(d -> browser.js("return document.getElementById('map-status').getAttribute('data-points')") != null);
        double wall = (System.nanoTime() - t0) / 1e6;
        Object points = browser.js("return document.getElementById('map-status').getAttribute('data-points')");
        assertEquals(String.valueOf(map.points().size()), points, "dots on the map");
        System.out.printf(Locale.ROOT, "map of %,d dots: drawn %s ms after the script started (%.0f ms after navigation), one draw %s ms%n",
            map.points().size(), attr(browser, "map-status", "data-load-ms"), wall, attr(browser, "map-canvas", "data-draw-ms"));
        assertEquals(List.of(), browser.consoleErrors());

        // Hover the loneliest feature's dot: the tooltip names it and its top tokens (from its search shard).
        WebElement canvas = browser.driver.findElement(org.openqa.selenium.By.id("map-canvas"));
        long h0 = System.nanoTime();
        browser.js("document.getElementById('map').scrollIntoView()");
        hover(browser, canvas, target);
        try {
          wait.until(d -> "true".equals(browser.js("return document.getElementById('map-tip').getAttribute('data-ready')"))
              && String.valueOf(target).equals(browser.js("return document.getElementById('map-tip').getAttribute('data-feature')")));
        } catch (RuntimeException e) {
          System.out.println("hover failed: target " + target + " at " + point(browser, target) + ", tip "
              + browser.js("var t = document.getElementById('map-tip'); return [t.hidden, t.getAttribute('data-feature'), t.textContent]")
              + ", canvas " + browser.js("var r = document.getElementById('map-canvas').getBoundingClientRect(); return [r.left, r.top, r.width, r.height, window.scrollY]")
              + ", console " + browser.consoleErrors());
          java.nio.file.Files.write(Path.of("/tmp/map-fail.png"), browser.driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
          throw e;
        }
        double hoverMs = (System.nanoTime() - h0) / 1e6;
        String tip = (String) browser.js("return document.getElementById('map-tip').textContent");
        FeatureSummary f = summaries[target];
        String tokens = java.util.Arrays.stream(f.actTokens()).limit(5).mapToObj(id -> "\u201C" + text.show(id) + "\u201D")
            .collect(Collectors.joining(" "));
        assertTrue(tip.startsWith("Feature " + target + " \u00B7 density "), tip);
        assertTrue(tip.contains("fires on " + tokens), tip + " should list " + tokens);
        String shot = System.getProperty("atlas.mapScreenshot");
        if (shot != null) { // -Datlas.mapScreenshot=FILE.png keeps a picture of the hovered map
          Files.write(Path.of(shot), browser.driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        }
        System.out.printf(Locale.ROOT, "hover to tooltip (first, loading vocab.js and one search shard): %.0f ms; pick %s ms%n",
            hoverMs, attr(browser, "map-canvas", "data-pick-ms"));

        // Zoom in twice around the centre, then pan: the dot moves with the view.
        Map<String, Object> before = point(browser, target);
        long z0 = System.nanoTime();
        browser.driver.findElement(org.openqa.selenium.By.id("map-zoom-in")).click();
        browser.driver.findElement(org.openqa.selenium.By.id("map-zoom-in")).click();
        double zoomMs = (System.nanoTime() - z0) / 1e6;
        Map<String, Object> zoomed = point(browser, target);
        double cx = ((Number) browser.js("return document.getElementById('map-canvas').getBoundingClientRect().width / 2")).doubleValue();
        assertEquals(cx + (num(before, "x") - cx) * 2.25, num(zoomed, "x"), 2.0, "x after zooming in 1.5 x 1.5 about the centre");
        System.out.printf(Locale.ROOT, "two zoom clicks: %.0f ms (one draw %s ms)%n", zoomMs, attr(browser, "map-canvas", "data-draw-ms"));
        new Actions(browser.driver).moveToElement(canvas, 10, 10).clickAndHold().moveByOffset(-60, 40).release().perform();
        Map<String, Object> panned = point(browser, target);
        assertEquals(num(zoomed, "x") - 60, num(panned, "x"), 2.0, "x after dragging 60 px left");
        assertEquals(num(zoomed, "y") + 40, num(panned, "y"), 2.0, "y after dragging 40 px down");

        // Highlight a search: the feature's id finds it.
        long s0 = System.nanoTime();
        browser.js("document.getElementById('map-q').value = arguments[0];"
            + "document.getElementById('map-find').requestSubmit();", String.valueOf(target));
        wait.until(d -> browser.js("return document.getElementById('map-status').getAttribute('data-highlighted')") != null);
        System.out.printf(Locale.ROOT, "highlighting a search (loading all %d search shards): %.0f ms%n",
            SearchIndex.shardCount(FEATURES), (System.nanoTime() - s0) / 1e6);
        Object rung = browser.js("return document.getElementById('map-status').getAttribute('data-highlighted')");
        assertTrue(Integer.parseInt(String.valueOf(rung)) >= 1, "features ringed: " + rung);
        assertEquals(List.of(), browser.consoleErrors());

        // Reset the view, click the dot: its page opens.
        browser.driver.findElement(org.openqa.selenium.By.id("map-reset")).click();
        hover(browser, canvas, target);
        Map<String, Object> at = point(browser, target);
        new Actions(browser.driver).moveToElement(canvas, offset(browser, canvas, at, "x"), offset(browser, canvas, at, "y"))
            .click().perform();
        wait.until(d -> browser.driver.getCurrentUrl().endsWith("features/" + target + ".html"));
      }
    } finally {
      AtomicDirectory.deleteTree(work);
    }
  }

  /** The feature on the map farthest from its nearest neighbour (among 2,000 spread over the map), so a hover finds it. */
  static int loneliest(FeatureMap map) {
    List<MapPoint> p = map.points();
    int best = -1;
    double bestD = -1;
    for (int c = 0; c < p.size(); c += Math.max(1, p.size() / 2000)) {
      double nearest = Double.POSITIVE_INFINITY;
      double x = p.get(c).x();
      double y = p.get(c).y();
      for (int j = 0; j < p.size(); j++) {
        double dx = x - p.get(j).x();
        double dy = y - p.get(j).y();
        if (j != c) nearest = Math.min(nearest, dx * dx + dy * dy);
      }
      if (nearest > bestD) {
        bestD = nearest;
        best = p.get(c).feature();
      }
    }
    return best;
  }

  private static void hover(Browser browser, WebElement canvas, int feature) {
    Map<String, Object> at = point(browser, feature);
    new Actions(browser.driver).moveToElement(canvas, offset(browser, canvas, at, "x"), offset(browser, canvas, at, "y")).perform();
  }

  /** Selenium's element offsets are from the element's centre. */
  private static int offset(Browser browser, WebElement canvas, Map<String, Object> at, String axis) {
    String size = axis.equals("x") ? "width" : "height";
    double half = ((Number) browser.js("return arguments[0].getBoundingClientRect()." + size + " / 2", canvas)).doubleValue();
    return (int) Math.round(num(at, axis) - half);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> point(Browser browser, int feature) {
    Map<String, Object> p = (Map<String, Object>) browser.js("return window.atlasMapPoint(arguments[0])", feature);
    assertNotNull(p, "feature " + feature + " is on the map");
    return p;
  }

  private static double num(Map<String, Object> m, String key) {
    return ((Number) m.get(key)).doubleValue();
  }

  private static String attr(Browser browser, String id, String name) {
    return String.valueOf(browser.js("return document.getElementById(arguments[0]).getAttribute(arguments[1])", id, name));
  }
}
