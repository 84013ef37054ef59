package org.featureatlas.site.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Interval;
import org.featureatlas.data.Manifest;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.generate.GenerateRequest;
import org.featureatlas.generate.Generation;
import org.featureatlas.generate.PromptModel;
import org.featureatlas.progress.Stages;
import org.featureatlas.render.Browser;
import org.featureatlas.render.DiskSink;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.render.SiteRenderer;
import org.featureatlas.tokenize.AtlasTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The prompt view in headless Chromium: the demo checkpoint generates an atlas from one text (one sequence, as
 * {@code atlas generate --text}), the preview serves it with the same model and SAE, and the browser types that text.
 * The activations the page shows (the chosen feature on every token, then another chosen by a click, and each
 * token's top features) must equal the generation stage's numbers for the same positions in the data directory.
 * Markup in a text stays text; a text over the limit shows the 413's message; without the model (file://, or a
 * preview without --model) the page says it needs {@code atlas preview --model DIR --sae DIR}.
 */
class PromptViewIT {
  static final String TEXT = "It is the duty of the Congress to provide for the common defence and general welfare of the"
      + " people of the United States, and to lay and collect taxes for the support of the government.";
  static Path work;
  static Path data;
  static Path site;
  static PromptModel model;
  static PreviewServer server;
  static Browser browser;
  static Map<Integer, FeatureRecord> records = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    Path home = RenderOptions.atlasHome();
    work = Files.createTempDirectory("atlas-prompt-it");
    Path text = work.resolve("text.txt");
    Files.writeString(text, TEXT);
    int tokens;
    try (AtlasTokenizer tok = AtlasTokenizer.load(home.resolve("demo/model/tokenizer.json"))) {
      tokens = tok.encode(TEXT).length;
    }
    data = work.resolve("data");
    GenerateRequest req = new GenerateRequest(home.resolve("demo/model"), home.resolve("demo/sae"), null, null, text, tokens,
        "cpu", 1, 1, null, null);
    new Generation(new Stages(), new PrintStream(OutputStream.nullOutputStream())).run(req, data);
    Manifest manifest = DataDir.readManifest(data);
    assertEquals(1, manifest.nSequences(), "the whole text is one sequence");
    DataDir.forEachFeature(data, manifest, f -> records.put(f.index(), f));
    site = work.resolve("site");
    try (DiskSink sink = DiskSink.open(site)) {
      SiteRenderer.render(RenderOptions.defaults(data), sink, 2, false);
      sink.commit();
    }
    model = PromptModel.load(home.resolve("demo/model"), home.resolve("demo/sae"), null, false, "cpu");
    server = PreviewServer.start(new LiveSite(new DirectorySource(site)), "127.0.0.1", 0, false,
        new PromptApi(model, new RunQueue(PromptApi.DEFAULT_WAITING)));
    browser = new Browser();
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.close();
    if (server != null) server.close();
    if (model != null) model.close();
    AtomicDirectory.deleteTree(work);
  }

  /** Feature f's activation at each position of the data directory's example windows (one sequence: seq 0). */
  static Map<Integer, Double> generated(int f) {
    Map<Integer, Double> at = new HashMap<>();
    FeatureRecord r = records.get(f);
    List<Example> all = new java.util.ArrayList<>(r.topExamples());
    for (Interval iv : r.intervals()) all.addAll(iv.examples());
    for (Example e : all) {
      for (int q = 0; q < e.tokens().size(); q++) at.put(e.start() + q, e.acts().get(q));
    }
    return at;
  }

  private WebDriverWait waiting() {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(60));
  }

  private void run(String text) {
    WebElement input = browser.driver.findElement(By.id("prompt-text"));
    input.clear();
    input.sendKeys(text);
    browser.driver.findElement(By.cssSelector("#prompt-form button[type=submit]")).click();
    waiting().until(d -> browser.js("return document.getElementById('prompt-status').getAttribute('data-done')") != null);
  }

  private int shownFeature() {
    return Integer.parseInt((String) browser.js("return document.querySelector('#prompt-feature-title a').textContent"));
  }

  @SuppressWarnings("unchecked")
  private List<String> shownActs() {
    return (List<String>) browser.js("return Array.from(document.querySelectorAll('#prompt-acts i')).map(i => i.getAttribute('data-act'))");
  }

  /** Compares the shown activations of the chosen feature with generation's, position by position; returns how many. */
  private int compareChosen() {
    int f = shownFeature();
    List<String> shown = shownActs();
    Map<Integer, Double> want = generated(f);
    assertFalse(want.isEmpty(), "feature " + f + " has examples in the data directory");
    for (Map.Entry<Integer, Double> e : want.entrySet()) {
      double got = Double.parseDouble(shown.get(e.getKey()));
      assertEquals(e.getValue(), got, 1e-5 * Math.max(1, Math.abs(e.getValue())), "feature " + f + " at position " + e.getKey());
    }
    return want.size();
  }

  @Test
  void typedTextShowsTheGenerationStagesActivations() {
    browser.driver.get(server.uri() + "prompt.html");
    waiting().until(d -> "true".equals(browser.js("return document.getElementById('prompt-form').getAttribute('data-ready')")));
    assertEquals(Boolean.TRUE, browser.js("return document.getElementById('prompt-needs').hidden"));
    run(TEXT);
    assertEquals("ok", browser.js("return document.getElementById('prompt-status').getAttribute('data-done')"),
        String.valueOf(browser.js("return document.getElementById('prompt-status').textContent")));
    System.out.printf(Locale.ROOT, "prompt view: %s tokens run and drawn in %s ms%n",
        browser.js("return document.querySelectorAll('#prompt-acts i').length"),
        browser.js("return document.getElementById('prompt-status').getAttribute('data-ms')"));
    int first = shownFeature();
    int compared = compareChosen();

    // Each token's listed features: where generation shows the same (feature, position), the numbers agree.
    @SuppressWarnings("unchecked")
    List<List<List<Object>>> rows = (List<List<List<Object>>>) browser.js("return Array.from(document.querySelectorAll('#prompt-table tbody tr'))"
        + ".map(tr => Array.from(tr.querySelectorAll('li')).map(li => [li.querySelector('a').textContent, li.querySelector('button').textContent.trim()]))");
    int listed = 0;
    int other = -1;
    for (int p = 0; p < rows.size(); p++) {
      for (List<Object> fa : rows.get(p)) {
        int f = Integer.parseInt((String) fa.get(0));
        Double want = generated(f).get(p);
        if (want != null) {
          assertEquals(Double.parseDouble(new java.math.BigDecimal(want).round(new java.math.MathContext(3)).toPlainString()),
              Double.parseDouble((String) fa.get(1)), 1e-9, "feature " + f + " at position " + p + " (3 digits)");
          listed++;
        }
        if (other < 0 && f != first && !generated(f).isEmpty()) other = f;
      }
    }
    assertTrue(listed >= 10, "top features compared: " + listed);

    // Another feature, chosen by a click: its activations everywhere.
    int pick = other;
    browser.js("document.querySelector('#prompt-table button[data-feature=\"' + arguments[0] + '\"]').click()", pick);
    waiting().until(d -> shownFeature() == pick);
    compared += compareChosen();
    String shot = System.getProperty("atlas.promptScreenshot");
    if (shot != null) { // -Datlas.promptScreenshot=FILE.png keeps a picture of the page
      try {
        Files.write(Path.of(shot), browser.driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    System.out.printf(Locale.ROOT, "prompt view: %d activations of features %d and %d equal generation's, %d top-list entries%n",
        compared, first, pick, listed);
    assertEquals(List.of(), browser.consoleErrors());
  }

  @Test
  void markupStaysTextAndTheLimitShowsTheMessage() {
    browser.driver.get(server.uri() + "prompt.html");
    waiting().until(d -> "true".equals(browser.js("return document.getElementById('prompt-form').getAttribute('data-ready')")));
    String hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>\"'&";
    run(hostile);
    assertFalse(browser.dialogOpen(), "a dialog opened");
    assertEquals(0L, browser.js("return document.querySelectorAll('main img, main script').length"));
    assertEquals(hostile, browser.js("return Array.from(document.querySelectorAll('#prompt-table td.tok')).map(td => td.textContent).join('')"));
    browser.js("document.getElementById('prompt-text').value = 'a'.repeat(arguments[0] + 1);"
        + "document.getElementById('prompt-form').requestSubmit();", PromptApi.MAX_CHARS);
    waiting().until(d -> "error".equals(browser.js("return document.getElementById('prompt-status').getAttribute('data-done')")));
    assertEquals("Error 413: the text is " + (PromptApi.MAX_CHARS + 1) + " characters; the prompt view takes at most "
        + PromptApi.MAX_CHARS, browser.js("return document.getElementById('prompt-status').textContent"));
    browser.consoleErrors(); // the 413 response is logged by the browser
  }

  @Test
  void withoutTheModelThePageSaysWhatItNeeds() throws Exception {
    try (PreviewServer plain = PreviewServer.start(new LiveSite(new DirectorySource(site)), "127.0.0.1", 0, false)) {
      for (String url : List.of(site.resolve("prompt.html").toUri().toString(), plain.uri() + "prompt.html")) {
        browser.driver.get(url);
        waiting().until(d -> "complete".equals(browser.js("return document.readyState")));
        Thread.sleep(500); // the probe of the API has answered (404) or was never made (file://)
        assertEquals(Boolean.FALSE, browser.js("return document.getElementById('prompt-needs').hidden"), url);
        assertEquals(Boolean.TRUE, browser.js("return document.getElementById('prompt-form').hidden"), url);
        assertTrue(((String) browser.js("return document.getElementById('prompt-needs').textContent"))
            .contains("atlas preview --model DIR --sae DIR"), url);
      }
      browser.consoleErrors(); // the preview without a model answers the probe with 404, which the browser logs
    }
  }
}
