package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.featureatlas.check.AtlasException;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotesTest {
  @Test
  void rawHtmlIsEscapedAndScriptLinksAreDropped() {
    String html = Notes.html("<script>alert(1)</script>\n\nhi <b onclick=x>b</b> [a](JavaScript:alert(1)) [d](data:text/html,x) [ok](https://e.org)");
    assertFalse(html.contains("<script"), html);
    assertFalse(html.contains("<b "), html);
    assertFalse(html.toLowerCase().contains("href=\"javascript"), html);
    assertFalse(html.contains("href=\"data:"), html);
    assertTrue(html.contains("&lt;script&gt;"), html);
    assertTrue(html.contains("<a href=\"https://e.org\">ok</a>"), html);
  }

  @Test
  void everyEncodingOfAnUnsafeTargetLosesItsTarget() {
    for (String md : HostileLinks.UNSAFE) {
      String html = Notes.html(md);
      Document doc = Jsoup.parseBodyFragment(html);
      for (Element e : doc.body().getAllElements()) {
        assertTrue(Set.of("body", "p", "a", "img", "code").contains(e.normalName()), md + " -> " + html);
        for (Attribute a : e.attributes()) {
          assertTrue(Set.of("href", "src", "alt", "title").contains(a.getKey()), md + " -> " + html);
          if (a.getKey().equals("href") || a.getKey().equals("src")) {
            // Independent of SafeUrl: drop every character up to space, then look at the start.
            String squeezed = a.getValue().codePoints().filter(c -> c > 0x20)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString()
                .toLowerCase(java.util.Locale.ROOT);
            assertFalse(squeezed.matches("(javascript|vbscript|data|file|feed):.*"), md + " -> " + html);
          }
        }
      }
      assertTrue(doc.select("[href], [src]").isEmpty(), md + " -> " + html);
    }
  }

  @Test
  void safeTargetsStay() {
    assertEquals("<p><a href=\"https://example.org/a?b=1&amp;c=2\">ok-https</a></p>\n",
        Notes.html("[ok-https](https://example.org/a?b=1&c=2)"));
    assertEquals("<p><a href=\"mailto:someone@example.org\">ok-mailto</a></p>\n",
        Notes.html("[ok-mailto](mailto:someone@example.org)"));
    assertEquals("<p><a href=\"2.html\">ok</a> <img src=\"../static/favicon.svg\" alt=\"pic\"></p>\n",
        Notes.html("[ok](2.html) ![pic](../static/favicon.svg)"));
    assertEquals("<p><a href=\"javascript%3Aalert(1)\">rel</a></p>\n", Notes.html("[rel](javascript%3Aalert(1))"),
        "a percent-encoded colon makes a relative path");
    for (String md : HostileLinks.SAFE) {
      Document doc = Jsoup.parseBodyFragment(Notes.html(md.replace("ROOT", "../")));
      assertEquals(1, doc.select("a[href], img[src]").size(), md);
      assertTrue(doc.select("[onmouseover]").isEmpty(), md);
    }
  }

  @Test
  void anUnsafeLinkKeepsItsTextAndAnUnsafeImageItsAltText() {
    assertEquals("<p>click here</p>\n", Notes.html("[click **here**](javascript\\:alert(1))")
        .replace("<strong>", "").replace("</strong>", ""));
    assertEquals("<p>a picture</p>\n", Notes.html("![a picture](data:image/png;base64,AAAA)"));
  }

  @Test
  void loadsFeatureNotesAndTheFrontNoteAndIgnoresOtherFiles(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("5.md"), "five");
    Files.writeString(dir.resolve("index.md"), "# front");
    Files.writeString(dir.resolve("05.md"), "not a feature note name");
    Files.writeString(dir.resolve("x.txt"), "ignored");
    Notes n = Notes.load(dir, 10);
    assertEquals(java.util.List.of(5), java.util.List.copyOf(n.features().keySet()));
    assertEquals("<p>five</p>\n", n.featureHtml(5));
    assertNull(n.featureHtml(4));
    assertEquals("<h1>front</h1>\n", n.frontHtml());
    assertEquals("five", n.searchText(5));
  }

  @Test
  void aNoteForAMissingFeatureIsAnError(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("10.md"), "too far");
    AtlasException e = assertThrows(AtlasException.class, () -> Notes.load(dir, 10));
    assertTrue(e.getMessage().contains("10.md"), e.getMessage());
  }

  @Test
  void aMissingDirectoryMeansNoNotes(@TempDir Path dir) {
    Notes n = Notes.load(dir.resolve("none"), 3);
    assertTrue(n.features().isEmpty());
    assertNull(n.frontHtml());
  }

  @Test
  void invalidUtf8IsAnError(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("1.md"), new byte[] {(byte) 0xC3, (byte) 0x28});
    AtlasException e = assertThrows(AtlasException.class, () -> Notes.load(dir, 3));
    assertTrue(e.getMessage().contains("not valid UTF-8"));
  }
}
