package org.featureatlas.site.links;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.featureatlas.site.FakeSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkCheckerTest {
  @TempDir
  Path tmp;

  @Test
  void aBuiltSiteHasNoBrokenInternalLinkOrAsset() {
    Path site = FakeSite.write(tmp.resolve("site"));
    LinkReport report = LinkChecker.check(site);
    assertEquals(List.of(), report.broken(), report.summary(10));
    assertEquals(6, report.documents(), "5 pages and 1 stylesheet");
    // index: features/, features/0.html, features/1.html#top, 2 imgs, css, js (external, mailto, #main skipped)
    assertTrue(report.checked() >= 20, "checked " + report.checked());
  }

  @Test
  void everyKindOfBrokenReferenceIsFound() {
    Map<String, byte[]> files = new TreeMap<>(FakeSite.files());
    files.put("features/2.html", html("<!DOCTYPE html><html><head>"
        + "<link rel=\"stylesheet\" href=\"../css/missing.css\">"
        + "<meta http-equiv=\"refresh\" content=\"5; url=../gone.html\">"
        + "<style>body { background: url('../img/none.png'); }</style></head><body>"
        + "<a href=\"../index.html\">ok</a> <a href=\"3.html\">no page</a> <a href=\"/features/0.html\">ok abs</a>"
        + "<a href=\"../../../etc/passwd\">escape</a> <a href=\"../img/\">dir without index</a>"
        + "<img srcset=\"../img/dot.png 1x, ../img/dot@2x.png 2x\" alt=\"\">"
        + "<svg><use xlink:href=\"../img/sprite.svg#i\"></use></svg>"
        + "<div style=\"background-image: url(../img/bg.jpg)\"></div>"
        + "<a href=\"https://example.org/none.html\">external</a> <a href=\"mailto:x@y.z\">m</a>"
        + "<a href=\"data:text/plain,hi\">d</a> <a href=\"#nowhere\">frag</a>"
        + "<a href=\"bad link.html\">space</a></body></html>"));
    files.put("css/extra.css", "@import \"base.css\";\n.a { src: url(../fonts/b.woff2); }\n".getBytes(StandardCharsets.UTF_8));
    LinkReport report = LinkChecker.check(files, "/");
    List<String> targets = report.broken().stream().map(b -> b.page() + " " + b.target()).toList();
    assertEquals(List.of(
        "css/extra.css ../fonts/b.woff2",
        "css/extra.css base.css",
        "features/2.html ../../../etc/passwd",
        "features/2.html ../css/missing.css",
        "features/2.html ../gone.html",
        "features/2.html ../img/",
        "features/2.html ../img/bg.jpg",
        "features/2.html ../img/dot@2x.png",
        "features/2.html ../img/none.png",
        "features/2.html ../img/sprite.svg#i",
        "features/2.html 3.html",
        "features/2.html bad link.html"), targets);
    String summary = report.summary(2);
    assertTrue(summary.startsWith("12 broken links: css/extra.css -> ../fonts/b.woff2 (no such file: fonts/b.woff2); "),
        summary);
    assertTrue(summary.endsWith("; and 10 more"), summary);
    assertEquals("outside the site", report.broken().get(2).reason());
  }

  @Test
  void absoluteLinksMustStayUnderTheBaseUrl() {
    Map<String, byte[]> files = new TreeMap<>();
    files.put("index.html", html("<a href=\"/atlas/features/0.html\">in</a> <a href=\"/features/0.html\">out</a>"
        + " <a href=\"https://me.github.io/atlas/features/\">full</a> <a href=\"https://me.github.io/atlas/x.html\">full missing</a>"));
    files.put("features/0.html", html("<a href=\"../\">up</a>"));
    files.put("features/index.html", html("<base href=\"/atlas/\"><a href=\"features/0.html\">via base</a>"));
    LinkReport report = LinkChecker.check(files, "https://me.github.io/atlas/");
    List<String> targets = report.broken().stream().map(b -> b.target() + " " + b.reason()).toList();
    assertEquals(List.of("/features/0.html outside the site", "https://me.github.io/atlas/x.html no such file: x.html"),
        targets);
  }

  private static byte[] html(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
