package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.featureatlas.check.AtlasException;
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
