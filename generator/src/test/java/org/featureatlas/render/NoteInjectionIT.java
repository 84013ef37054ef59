package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.featureatlas.fs.AtomicDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Notes full of hostile link and image targets ({@link HostileLinks}) on a feature page and the front
 * page, beside hostile explanations ({@link Fixtures#explanations}: markup, a javascript: link) on the feature page
 * and in the index table, in headless Chromium over HTTP and from file://: no dialog opens, and every href and src the
 * browser resolves is http(s), mailto or (from file://) file. Then the Content-Security-Policy is shown
 * to stop inline script, event handlers, javascript: URLs and data: images that get into the page.
 */
class NoteInjectionIT {
  static Path work;
  static Path siteDir;
  static StaticServer server;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("atlas-note-injection-it");
    Path notes = Files.createDirectories(work.resolve("notes"));
    Files.writeString(notes.resolve("0.md"), HostileLinks.note("../"));
    Files.writeString(notes.resolve("index.md"), HostileLinks.note(""));
    siteDir = work.resolve("site");
    try (DiskSink sink = DiskSink.open(siteDir)) {
      SiteRenderer.render(RenderOptions.defaults(Fixtures.tiny()).withNotesDir(notes)
          .withExplanations(Fixtures.explanations(work.resolve("explanations")), null), sink, 2, false, w -> { });
      sink.commit();
    }
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

  private static void open(String url) {
    browser.driver.get(url);
    new WebDriverWait(browser.driver, Duration.ofSeconds(20))
        .until(d -> "complete".equals(browser.js("return document.readyState")));
  }

  /** Whether the image at {@code selector} loads and decodes. */
  private static Object decodes(String selector) {
    return browser.driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
        + "document.querySelector(arguments[0]).decode().then(function () { done(true); }, function () { done(false); });",
        selector);
  }

  /** [tag, attribute, the URL the browser resolves] of every URL-valued attribute in the document. */
  private static final String URLS = """
      var out = [];
      var names = ['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'poster', 'srcset', 'background', 'cite'];
      document.querySelectorAll('*').forEach(function (e) {
        names.forEach(function (n) {
          if (!e.hasAttribute(n)) return;
          var v;
          if (n === 'href' && typeof e.href === 'string') v = e.href;
          else if (n === 'src' && typeof e.src === 'string') v = e.src;
          else { try { v = new URL(e.getAttribute(n), document.baseURI).href; } catch (x) { v = 'unparsable:' + e.getAttribute(n); } }
          out.push([e.tagName.toLowerCase(), n, v]);
        });
      });
      return out;""";

  /** Every attribute in the document that runs script or styles inline: on*, style. */
  private static final String HANDLERS = """
      var out = [];
      document.querySelectorAll('*').forEach(function (e) {
        Array.from(e.attributes).forEach(function (a) {
          if (/^on/i.test(a.name) || a.name === 'style') out.push(e.tagName + ' ' + a.name + '=' + a.value);
        });
      });
      return out;""";

  @Test
  void hostileNotesRunNothingAndLeaveOnlySafeTargets() throws InterruptedException {
    for (String base : List.of(server.url(), siteDir.toUri().toString())) {
      for (String page : List.of("features/0.html", "index.html")) {
        String where = base + page;
        open(where);
        boolean fromFile = base.startsWith("file:");
        @SuppressWarnings("unchecked")
        List<List<String>> urls = (List<List<String>>) browser.js(URLS);
        assertTrue(urls.size() > 10, where + ": " + urls);
        for (List<String> u : urls) {
          String url = u.get(2);
          boolean safe = url.startsWith("http://") || url.startsWith("https://") || url.startsWith("mailto:")
              || (fromFile && url.startsWith("file:///"));
          assertTrue(safe, where + ": " + u);
        }
        assertEquals(List.of(), browser.js(HANDLERS), where);
        @SuppressWarnings("unchecked")
        List<String> noteLinks = (List<String>) browser.js(
            "return Array.from(document.querySelectorAll('section.note a')).map(a => a.textContent)");
        assertEquals(List.of("ok-https", "ok-http", "ok-mailto", "ok-relative", "ok-fragment", "ok-percent",
            "ok-backslash-not-an-escape", "ok-title"), noteLinks, where);
        assertEquals(0L, browser.js("return document.querySelectorAll('section.explanations *:not(ul):not(li):not(span.x):not(small),"
            + " #features td.x *').length"), where + ": explanations hold no markup of their own");
        assertTrue(((String) browser.js("return document.body.textContent")).contains("<a href=\"javascript:alert(3)\">click</a>"),
            where + ": the hostile explanation shows as text");
        String noteText = (String) browser.js("return document.querySelector('section.note').textContent");
        assertTrue(noteText.contains("bad-plain") && noteText.contains("bad-hex") && noteText.contains("bad-ref"),
            where + ": unsafe links keep their text");
        assertEquals(1L, browser.js("return document.querySelectorAll('section.note img').length"), where);
        assertEquals(Boolean.TRUE, decodes("section.note img"), where + ": the safe image loads under the policy");
        // Hover, focus and click everything in the note that is not a link out of the page.
        browser.js("document.querySelectorAll('section.note *, section.explanations *, #features td.x').forEach(function (e) {"
            + "['mouseover', 'mouseenter', 'mousemove', 'focus', 'load', 'error'].forEach(function (t) {"
            + "e.dispatchEvent(new Event(t, {bubbles: true})); });"
            + "if (e.tagName !== 'A' || e.getAttribute('href') === '#main') e.click(); });");
        Thread.sleep(300);
        assertFalse(browser.dialogOpen(), where + ": a dialog opened");
        assertEquals(List.of(), browser.consoleErrors(), where + ": console errors");
      }
    }
  }

  @Test
  void thePolicyBlocksScriptThatGetsIntoThePage() throws InterruptedException {
    for (String base : List.of(server.url(), siteDir.toUri().toString())) {
      String where = base + "features/1.html";
      open(where);
      browser.consoleErrors();
      // WebDriver's own script is exempt from the policy; what it inserts is not.
      browser.js("""
          document.body.insertAdjacentHTML('beforeend',
            '<img id="h1" src="missing.png" onerror="alert(1)">'
            + '<svg><image href="x" onerror="alert(2)"/></svg>'
            + '<a id="h2" href="javascript:alert(3)">x</a>'
            + '<img id="h3" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">');
          var s = document.createElement('script');
          s.textContent = 'alert(4)';
          document.body.appendChild(s);
          document.getElementById('h2').click();""");
      Thread.sleep(500);
      assertFalse(browser.dialogOpen(), where + ": a dialog opened");
      assertEquals(Boolean.FALSE, decodes("#h3"), where + ": a data: image must not load");
      List<String> errors = browser.consoleErrors();
      long refused = errors.stream().filter(m -> m.contains("Content Security Policy")).count();
      assertTrue(refused >= 3, where + ": the policy refused the inserted script (" + errors + ")");
    }
  }
}
