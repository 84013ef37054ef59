package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Interval;
import org.featureatlas.fs.AtomicDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The tiny fixture's site (hostile token strings and notes, and the hostile explanations of
 * {@link Fixtures#explanations}) in headless Chromium, served over HTTP from 127.0.0.1 and opened from file://.
 * After every test: no JavaScript dialog is open and the console holds no errors.
 */
class SiteBrowserIT {
  static Path work;
  static Path siteDir;
  static StaticServer server;
  static Browser browser;
  static List<FeatureRecord> records;
  static List<String> vocab;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("atlas-browser-it");
    siteDir = work.resolve("site");
    try (DiskSink sink = DiskSink.open(siteDir)) {
      SiteRenderer.render(RenderOptions.defaults(Fixtures.tiny())
          .withExplanations(Fixtures.explanations(work.resolve("explanations")), null), sink, 2, false, w -> { });
      sink.commit();
    }
    records = DataDir.readFeatures(Fixtures.tiny(), DataDir.readManifest(Fixtures.tiny()));
    vocab = DataDir.readVocab(Fixtures.tiny());
    server = new StaticServer(siteDir);
    browser = new Browser();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
    AtomicDirectory.deleteTree(work);
  }

  @AfterEach
  void noDialogAndNoConsoleErrors() throws InterruptedException {
    Thread.sleep(200);
    assertFalse(browser.dialogOpen(), "a JavaScript dialog opened");
    assertEquals(List.of(), browser.consoleErrors(), "console errors");
  }

  private static void open(String url) {
    browser.driver.get(url);
    new WebDriverWait(browser.driver, Duration.ofSeconds(20))
        .until(d -> "complete".equals(browser.js("return document.readyState")));
    if (url.contains("features/")) {
      new WebDriverWait(browser.driver, Duration.ofSeconds(20))
          .until(d -> browser.js("return document.documentElement.getAttribute('data-drawn')") != null);
    }
  }

  /** The tooltip text of every example token, in page order, over HTTP and from file://. */
  @Test
  void everyTokensTooltipShowsTheRecordsValues() {
    for (String base : List.of(server.url(), siteDir.toUri().toString())) {
      for (FeatureRecord f : records) {
        open(base + "features/" + f.index() + ".html");
        @SuppressWarnings("unchecked")
        List<String> tips = (List<String>) browser.js("var tip = document.getElementById('tip');"
            + "return Array.from(document.querySelectorAll('.ex i')).map(e => { e.focus(); return tip.textContent; })");
        List<Example> order = new ArrayList<>(f.topExamples());
        List<Interval> iv = new ArrayList<>(f.intervals());
        iv.sort(Comparator.comparingDouble(Interval::hi).reversed());
        iv.forEach(v -> order.addAll(v.examples()));
        List<String> expected = new ArrayList<>();
        for (Example e : order) {
          for (int q = 0; q < e.tokens().size(); q++) {
            StringBuilder t = new StringBuilder("activation " + fmt(e.acts().get(q)) + "loss effect "
                + (e.lossEffect().get(q) == null ? "n/a" : fmt(e.lossEffect().get(q)))
                + "sequence " + e.seq() + ", position " + (e.start() + q));
            if (!e.topLogprob().get(q).isEmpty() || !e.bottomLogprob().get(q).isEmpty()) {
              t.append("Largest log-prob increases");
              e.topLogprob().get(q).forEach(v -> t.append(SiteFiles.visibleReference(vocab.get(v.token()))).append(fmt(v.value())));
              t.append("Largest log-prob decreases");
              e.bottomLogprob().get(q).forEach(v -> t.append(SiteFiles.visibleReference(vocab.get(v.token()))).append(fmt(v.value())));
            }
            expected.add(t.toString());
          }
        }
        assertEquals(expected.size(), tips.size(), base + ": tokens of feature " + f.index());
        for (int k = 0; k < expected.size(); k++) {
          assertEquals(expected.get(k), tips.get(k), base + ": tooltip of token " + k + " of feature " + f.index());
        }
      }
    }
  }

  /** The tooltip's format: 3 significant digits (half-even from the record), signed, "−" for minus. */
  private static String fmt(double v) {
    java.math.BigDecimal d = v == 0 ? java.math.BigDecimal.ZERO
        : new java.math.BigDecimal(v).round(new java.math.MathContext(3, java.math.RoundingMode.HALF_EVEN));
    if (d.signum() == 0) {
      return "0";
    }
    double a = Math.abs(d.doubleValue());
    String s;
    if (a >= 1e-3 && a < 1e5) {
      s = d.stripTrailingZeros().toPlainString();
    } else {
      java.math.BigDecimal m = d.abs().movePointLeft(d.abs().precision() - d.abs().scale() - 1);
      int exp = d.abs().precision() - d.abs().scale() - 1;
      s = (d.signum() < 0 ? "-" : "") + m.setScale(2, java.math.RoundingMode.UNNECESSARY).toPlainString()
          + "e" + (exp >= 0 ? "+" : "-") + Math.abs(exp);
    }
    return d.signum() > 0 ? "+" + s : s.replaceFirst("-", "\u2212"); // as the script: the sign only
  }

  private static String fileUrl(String path) {
    return siteDir.resolve(path).toUri().toString();
  }

  @Test
  void theHarnessSeesDialogsAndConsoleErrors() throws InterruptedException {
    open(server.url() + "index.html");
    browser.js("setTimeout(() => { throw new Error('deliberate'); }, 0)");
    Thread.sleep(300);
    assertTrue(browser.consoleErrors().stream().anyMatch(m -> m.contains("deliberate")), "console errors are seen");
    browser.js("setTimeout(() => alert('deliberate'), 0)");
    Thread.sleep(300);
    assertTrue(browser.dialogOpen(), "dialogs are seen");
    browser.driver.switchTo().alert().accept();
  }

  @Test
  void featurePageShowsEveryPanel() {
    open(server.url() + "features/1.html");
    for (String id : List.of("neuron-alignment", "correlated-neurons", "correlated-features-b", "density",
        "act-histogram", "bottom-logits", "top-logits", "logit-histogram", "top", "interval-0", "interval-9")) {
      WebElement panel = browser.driver.findElement(By.id(id));
      assertTrue(panel.isDisplayed(), id + " is visible");
      assertTrue(panel.getSize().getHeight() > 10 && panel.getSize().getWidth() > 50, id + " has a size");
    }
    FeatureRecord f = records.get(1);
    assertEquals(f.logits().top().size(), browser.driver.findElements(By.cssSelector("#top-logits tbody tr")).size());
    assertEquals(3, browser.driver.findElements(By.cssSelector("#neuron-alignment tbody tr")).size());
    assertTrue(browser.driver.findElement(By.cssSelector("#act-histogram svg path")).isDisplayed());
    int examples = f.topExamples().size() + f.intervals().stream().mapToInt(v -> v.examples().size()).sum();
    assertEquals(examples, browser.driver.findElements(By.cssSelector(".ex")).size());
    assertEquals(f.topExamples().size(), browser.driver.findElements(By.cssSelector("#top .ex")).size());
    String shaded = (String) browser.js(
        "return getComputedStyle(document.querySelector('.ex i.a10')).backgroundColor");
    assertNotEquals("rgba(0, 0, 0, 0)", shaded, "the top token is shaded");
    // The parts feature.js draws for every feature page: the header's search form and the footer, as on the index.
    assertTrue(browser.driver.findElement(By.cssSelector("header form.find input[name='q']")).isDisplayed());
    String footer = browser.driver.findElement(By.cssSelector("footer p")).getText();
    open(server.url() + "index.html");
    assertEquals(browser.driver.findElement(By.cssSelector("footer p")).getText(), footer, "the footer of every page");
  }

  @Test
  void tooltipAppearsOnHover() {
    open(server.url() + "features/1.html");
    WebElement tip = browser.driver.findElement(By.id("tip"));
    assertFalse(tip.isDisplayed());
    WebElement token = browser.driver.findElement(By.cssSelector("#top .ex i.c"));
    new Actions(browser.driver).moveToElement(token).perform();
    new WebDriverWait(browser.driver, Duration.ofSeconds(5)).until(d -> tip.isDisplayed());
    FeatureRecord f = records.get(1);
    Example e = f.topExamples().get(0);
    String text = tip.getText();
    assertTrue(text.contains("activation"), text);
    assertTrue(text.contains("loss effect"), text);
    assertTrue(text.contains("position " + e.pos()), text);
    assertTrue(text.contains("Largest log-prob increases") && text.contains("Largest log-prob decreases"), text);
    String top = (String) browser.js("return document.querySelector('#tip td.tok').textContent");
    assertEquals(SiteFiles.visibleReference(vocab.get(e.topLogprob().get(e.pos() - e.start()).get(0).token())), top);
    new Actions(browser.driver).moveToElement(browser.driver.findElement(By.tagName("h1"))).perform();
    new WebDriverWait(browser.driver, Duration.ofSeconds(5)).until(d -> !tip.isDisplayed());
  }

  @Test
  void tooltipAppearsOnKeyboardFocus() {
    open(server.url() + "features/1.html");
    WebElement tip = browser.driver.findElement(By.id("tip"));
    List<WebElement> tokens = browser.driver.findElements(By.cssSelector("#top .ex i"));
    assertEquals("0", tokens.get(0).getAttribute("tabindex"), "tokens are in the tab order");
    browser.js("arguments[0].focus()", tokens.get(0));
    new WebDriverWait(browser.driver, Duration.ofSeconds(5)).until(d -> tip.isDisplayed());
    new Actions(browser.driver).sendKeys(Keys.TAB).perform();
    assertEquals(tokens.get(1), browser.driver.switchTo().activeElement(), "Tab moves to the next token");
    assertTrue(tip.isDisplayed());
    Example e = records.get(1).topExamples().get(0);
    assertTrue(tip.getText().contains("position " + (e.start() + 1)), tip.getText());
    assertEquals("tip", tokens.get(1).getAttribute("aria-describedby"));
    new Actions(browser.driver).sendKeys(Keys.ESCAPE).perform();
    assertFalse(tip.isDisplayed(), "Escape hides the tooltip");
  }

  @Test
  void searchFindsAFeatureByTokenOverHttpAndFromFile() {
    FeatureRecord f = records.get(4);
    Example top = f.topExamples().get(0);
    String token = vocab.get(top.tokens().get(top.pos() - top.start()));
    for (String base : List.of(server.url(), siteDir.toUri().toString())) {
      open(base + "search.html?q=" + java.net.URLEncoder.encode(token.strip(), java.nio.charset.StandardCharsets.UTF_8));
      List<String> hrefs = results();
      assertTrue(hrefs.stream().anyMatch(h -> h.endsWith("features/4.html")), base + ": " + token + " -> " + hrefs);
      WebElement input = browser.driver.findElement(By.id("q"));
      input.clear();
      input.sendKeys("5");
      assertEquals("features/5.html", results().get(0).replaceAll(".*/(features/)", "$1"), "search by id");
      input.clear();
      input.sendKeys("second note");
      assertEquals(List.of("features/2.html"), results().stream().map(h -> h.replaceAll(".*/(features/)", "$1")).toList(),
          "search by note text");
    }
  }

  /** Explanations show literally on their pages, are found by search (text shown literally) and sort the table. */
  @Test
  void explanationsAreShownLiterallyFoundBySearchAndSortTheTable() throws InterruptedException {
    for (String base : List.of(server.url(), siteDir.toUri().toString())) {
      for (int i : new int[] {0, 2, 1}) {
        open(base + "features/" + i + ".html");
        @SuppressWarnings("unchecked")
        List<String> shown = (List<String>) browser.js(
            "return Array.from(document.querySelectorAll('section.explanations span.x')).map(e => e.textContent)");
        assertEquals(Fixtures.explanationTexts(i).stream().map(ExplanationRenderTest::shown).toList(), shown, base + " feature " + i);
        browser.js("document.querySelectorAll('section.explanations *').forEach(function (e) {"
            + "['mouseover', 'focus', 'click'].forEach(function (t) { e.dispatchEvent(new Event(t, {bubbles: true})); }); });");
        assertEquals(0L, browser.js("return document.querySelectorAll('main img, main script:not([type]), section.explanations a, section.explanations i').length"));
      }
      open(base + "search.html?q=zebracorn");
      assertEquals(List.of("features/0.html"), results().stream().map(h -> h.replaceAll(".*/(features/)", "$1")).toList(),
          "search by explanation text");
      String shown = (String) browser.js("return document.querySelector('#results .x').textContent");
      assertEquals(ExplanationRenderTest.shown(Fixtures.HOSTILE_EXPLANATION) + " (+1 more)", shown);
      open(base + "search.html?q=" + java.net.URLEncoder.encode("alert('x1')", java.nio.charset.StandardCharsets.UTF_8));
      assertEquals("features/0.html", results().get(0).replaceAll(".*/(features/)", "$1"));
      assertEquals(0L, browser.js("return document.querySelectorAll('#results img, #results script, #results .x *').length"));
      Thread.sleep(100);
      assertFalse(browser.dialogOpen(), base);
    }
    open(server.url() + "index.html");
    browser.driver.findElement(By.cssSelector("th[data-key='explanation'] button")).click();
    new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(d ->
        "ascending".equals(d.findElement(By.cssSelector("th[data-key='explanation']")).getAttribute("aria-sort")));
    @SuppressWarnings("unchecked")
    List<String> ids = (List<String>) browser.js(
        "return Array.from(document.querySelectorAll('#features tbody tr td:first-child')).map(t => t.textContent)");
    List<String> expected = records.stream().map(FeatureRecord::index).sorted(Comparator.<Integer, String>comparing(i ->
        Fixtures.explanationTexts(i).isEmpty() ? "\uffff" : ExplanationRenderTest.shown(Fixtures.explanationTexts(i).get(0)).toLowerCase())
        .thenComparing(i -> i)).map(String::valueOf).toList();
    assertEquals(expected, ids, "sorted by explanation, features without one last");
    assertEquals(List.of("0", "2"), ids.subList(0, 2));
  }

  @Test
  void theHeaderSearchFormSubmitsUnderThePolicyOverHttpAndFromFile() {
    for (String base : List.of(server.url(), siteDir.toUri().toString())) {
      open(base + "features/1.html");
      WebElement box = browser.driver.findElement(By.cssSelector("form.find input[name='q']"));
      box.sendKeys("5");
      box.submit();
      new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("search.html?q=5"));
      assertEquals("features/5.html", results().get(0).replaceAll(".*/(features/)", "$1"), base);
    }
  }

  private static List<String> results() {
    new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(d ->
        browser.js("return document.getElementById('search-status').getAttribute('data-count')") != null);
    @SuppressWarnings("unchecked")
    List<String> hrefs = (List<String>) browser.js(
        "return Array.from(document.querySelectorAll('#results a')).map(a => a.href)");
    return hrefs;
  }

  /**
   * Format-2 data rendered as two sites side by side: "a" with features 0 to 4 only and --b-site ../b/, "b" standing
   * in for encoder B's atlas. Similar features inside a's range link to their pages, those outside are plain text,
   * and encoder B's ids (correlated and similar) link into b; every link works over HTTP and from file://.
   */
  @Test
  void featureIdsLinkToPagesThatExist() throws Exception {
    Path both = work.resolve("two-sites");
    Path data = Fixtures.synthetic(work.resolve("data-v2"), Fixtures.TINY);
    try (DiskSink sink = DiskSink.open(both.resolve("a"))) {
      SiteRenderer.render(RenderOptions.defaults(data).withFeatures(0, 5).withBSite("../b/"), sink, 2, false);
      sink.commit();
    }
    try (DiskSink sink = DiskSink.open(both.resolve("b"))) {
      SiteRenderer.render(RenderOptions.defaults(data), sink, 2, false);
      sink.commit();
    }
    FeatureRecord f = DataDir.readFeatures(data, DataDir.readManifest(data)).get(1);
    try (StaticServer two = new StaticServer(both)) {
      for (String base : List.of(two.url(), both.toUri().toString())) {
        open(base + "a/features/1.html");
        List<WebElement> rows = browser.driver.findElements(By.cssSelector("#similar-features tbody tr"));
        assertEquals(f.similarFeatures().size(), rows.size());
        int linked = 0;
        for (int k = 0; k < rows.size(); k++) {
          int j = f.similarFeatures().get(k).feature();
          List<WebElement> a = rows.get(k).findElements(By.cssSelector("td:first-child a"));
          assertEquals(String.valueOf(j), rows.get(k).findElement(By.cssSelector("td")).getText());
          assertEquals(j < 5 ? 1 : 0, a.size(), "feature " + j + " links only inside the site's range");
          if (j < 5) {
            assertEquals(j + ".html", a.get(0).getDomAttribute("href"));
            linked++;
          }
        }
        assertTrue(linked > 0 && linked < rows.size(), linked + " of " + rows.size() + " linked");
        assertEquals(f.similarFeaturesB().size(), browser.driver.findElements(By.cssSelector("#similar-features-b tbody tr a")).size());
        int j = f.similarFeaturesB().get(0).feature();
        browser.driver.findElement(By.cssSelector("#similar-features-b tbody tr a")).click();
        open(browser.driver.getCurrentUrl());
        assertTrue(browser.driver.getCurrentUrl().endsWith("b/features/" + j + ".html"), browser.driver.getCurrentUrl());
        assertEquals("Feature " + j, browser.driver.findElement(By.tagName("h1")).getText());
        open(base + "a/features/1.html");
        int c = f.correlatedFeaturesB().get(0).unit();
        browser.driver.findElement(By.cssSelector("#correlated-features-b tbody tr a")).click();
        open(browser.driver.getCurrentUrl());
        assertTrue(browser.driver.getCurrentUrl().endsWith("b/features/" + c + ".html"), browser.driver.getCurrentUrl());
        open(base + "a/features/1.html");
        WebElement own = browser.driver.findElement(By.cssSelector("#similar-features tbody tr a"));
        String target = own.getText();
        own.click();
        open(browser.driver.getCurrentUrl());
        assertTrue(browser.driver.getCurrentUrl().endsWith("a/features/" + target + ".html"), browser.driver.getCurrentUrl());
        assertEquals("Feature " + target, browser.driver.findElement(By.tagName("h1")).getText());
      }
    }
  }

  @Test
  void navigationLinksWork() {
    for (String base : List.of(server.url(), siteDir.toUri().toString())) {
      open(base + "features/1.html");
      browser.driver.findElement(By.id("next")).click();
      assertTrue(browser.driver.getCurrentUrl().endsWith("features/2.html"), browser.driver.getCurrentUrl());
      browser.driver.findElement(By.id("prev")).click();
      assertTrue(browser.driver.getCurrentUrl().endsWith("features/1.html"));
      browser.driver.findElement(By.id("random")).click();
      new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(d -> !d.getCurrentUrl().endsWith("features/1.html"));
      assertTrue(browser.driver.getCurrentUrl().matches(".*features/[0-9]+\\.html"), browser.driver.getCurrentUrl());
      browser.driver.findElement(By.id("up")).click();
      assertTrue(browser.driver.getCurrentUrl().endsWith("index.html"));
      browser.driver.findElement(By.cssSelector("#features a[href='features/6.html']")).click();
      assertEquals("Feature 6", browser.driver.findElement(By.tagName("h1")).getText());
      browser.driver.findElement(By.cssSelector("a.home")).click();
      assertTrue(browser.driver.getCurrentUrl().endsWith("index.html"));
    }
  }

  @Test
  void indexTableSortsEveryFeature() {
    open(server.url() + "index.html");
    String rowsJs = "return Array.from(document.querySelectorAll('#features tbody tr'))"
        + ".map(tr => Array.from(tr.cells).map(td => td.textContent).join('|'))";
    @SuppressWarnings("unchecked")
    List<String> before = (List<String>) browser.js(rowsJs);
    browser.driver.findElement(By.cssSelector("th[data-key='max'] button")).click();
    new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(d ->
        "descending".equals(d.findElement(By.cssSelector("th[data-key='max']")).getAttribute("aria-sort")));
    @SuppressWarnings("unchecked")
    List<String> ids = (List<String>) browser.js(
        "return Array.from(document.querySelectorAll('#features tbody tr td:first-child')).map(t => t.textContent)");
    List<String> expected = records.stream().sorted(Comparator.comparingDouble(FeatureRecord::maxAct).reversed()
        .thenComparingInt(FeatureRecord::index)).map(r -> Integer.toString(r.index())).toList();
    assertEquals(expected, ids);
    @SuppressWarnings("unchecked")
    List<String> after = (List<String>) browser.js(rowsJs);
    assertEquals(before.stream().sorted().toList(), after.stream().sorted().toList(),
        "client-side rows show the same cells as the server-rendered ones");
  }

  @Test
  void hostileStringsShowLiterallyAndRunNothing() throws InterruptedException {
    for (FeatureRecord f : records) {
      open(server.url() + "features/" + f.index() + ".html");
      @SuppressWarnings("unchecked")
      List<String> shown = (List<String>) browser.js(
          "return Array.from(document.querySelectorAll('.ex i')).map(e => e.textContent)");
      List<Example> order = new ArrayList<>(f.topExamples());
      List<Interval> iv = new ArrayList<>(f.intervals());
      iv.sort(Comparator.comparingDouble(Interval::hi).reversed());
      iv.forEach(v -> order.addAll(v.examples()));
      List<String> expected = new ArrayList<>();
      order.forEach(e -> e.tokens().forEach(t -> expected.add(SiteFiles.visibleReference(vocab.get(t)))));
      assertEquals(expected, shown, "feature " + f.index());
      browser.js("document.querySelectorAll('.ex i').forEach(e => { e.focus(); e.blur(); });"
          + "document.querySelectorAll('.ex i').forEach(e => e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})));");
      assertEquals(0L, browser.js("return document.querySelectorAll('main img, main script:not([type]), #tip img').length"));
      Thread.sleep(50);
      assertFalse(browser.dialogOpen(), "feature " + f.index());
    }
    open(server.url() + "features/0.html");
    String note = browser.driver.findElement(By.cssSelector("section.note p")).getText();
    assertTrue(note.contains("<script>alert('note')</script>"), note);
    assertTrue(note.contains("{{ 7*7 }}"), note);
    open(server.url() + "search.html?q=script");
    assertFalse(results().isEmpty());
    String listed = (String) browser.js("return document.getElementById('results').textContent");
    assertTrue(listed.contains("<script>alert('t0')</script>"), listed);
  }
}
