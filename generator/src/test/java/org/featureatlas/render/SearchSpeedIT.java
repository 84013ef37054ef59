package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.render.synthetic.SyntheticData;
import org.featureatlas.render.synthetic.SyntheticSpec;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Search in Chromium over 24,576 features finds the right features, and prints how long each query took (a
 * figure for docs/benchmarks.md, never asserted: timings depend on the machine). The site-wide files (search data,
 * search page, index) are built by the renderer from synthetic records; the feature pages are not
 * needed for search and are skipped to keep the test short.
 */
class SearchSpeedIT {
  static final int FEATURES = 24_576;

  @Test
  void searchAnswersFor24576FeaturesAndPrintsItsTimes() throws Exception {
    Path work = Files.createTempDirectory("atlas-search-speed");
    try {
      SyntheticSpec spec = new SyntheticSpec(FEATURES, 50_257, 5, false, false);
      List<String> vocab = SyntheticData.vocab(spec);
      FeatureSummary[] summaries = new FeatureSummary[FEATURES];
      for (int i = 0; i < FEATURES; i++) {
        summaries[i] = FeatureSummary.of(SyntheticData.feature(spec, i));
      }
      Path notesDir = Files.createDirectories(work.resolve("notes"));
      for (int i = 0; i < FEATURES; i += 97) {
        Files.writeString(notesDir.resolve(i + ".md"), "Feature " + i + " looks like a *quotation* detector, maybe.\n");
      }
      Files.writeString(notesDir.resolve("12345.md"), "The unmistakable zebracorn feature.\n");
      Notes notes = Notes.load(notesDir, FEATURES);
      RenderOptions defaults = RenderOptions.defaults(work);
      SiteInfo site = new SiteInfo("m", "s", "", "d", "h", FEATURES, SearchIndex.shardCount(FEATURES), "");
      Path siteDir = work.resolve("site");
      try (DiskSink sink = DiskSink.open(siteDir)) {
        SiteRenderer.writeSiteWide(site, summaries, new TokenText(vocab), notes, new Templates(defaults.templatesDir()), sink);
        StaticAssets.copy(defaults.staticDir(), sink);
        sink.commit();
      }
      FeatureRecord f = SyntheticData.feature(spec, 20_000);
      Example top = f.topExamples().get(0);
      String token = vocab.get(top.tokens().get(top.pos() - top.start())).strip();

      try (StaticServer server = new StaticServer(siteDir); Browser browser = new Browser()) {
        long t0 = System.nanoTime();
        browser.driver.get(server.url() + "search.html");
        new WebDriverWait(browser.driver, Duration.ofSeconds(60)).until(d ->
            browser.js("return document.getElementById('search-status').getAttribute('data-count')") != null);
        System.out.printf(Locale.ROOT, "search index of %d features loaded in %.0f ms%n", FEATURES,
            (System.nanoTime() - t0) / 1e6);
        for (String q : List.of("20000", token, "the", "e", "zebracorn", "quotation", "no such thing at all")) {
          @SuppressWarnings("unchecked")
          Map<String, Object> r = (Map<String, Object>) browser.js(
              "const input = document.getElementById('q'); input.value = arguments[0];"
                  + "const t0 = performance.now(); input.dispatchEvent(new Event('input'));"
                  + "const total = performance.now() - t0;"
                  + "const s = document.getElementById('search-status');"
                  + "return {total: total, query: Number(s.getAttribute('data-ms')), count: Number(s.getAttribute('data-count')),"
                  + " first: (document.querySelector('#results a') || {}).textContent || ''};", q);
          double total = ((Number) r.get("total")).doubleValue();
          System.out.printf(Locale.ROOT, "query %-24s %4d results, query %.1f ms, with DOM %.1f ms%n", "'" + q + "'",
              ((Number) r.get("count")).intValue(), ((Number) r.get("query")).doubleValue(), total);
          if (q.equals("20000")) {
            assertEquals("Feature 20000", r.get("first"));
          } else if (q.equals("zebracorn")) {
            assertEquals("Feature 12345", r.get("first"));
          } else if (q.equals(token)) {
            assertTrue(((Number) r.get("count")).intValue() > 0);
          }
        }
        assertEquals(List.of(), browser.consoleErrors());
      }
    } finally {
      AtomicDirectory.deleteTree(work);
    }
  }
}
