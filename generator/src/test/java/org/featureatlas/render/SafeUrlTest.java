package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SafeUrlTest {
  @Test
  void readsTheSchemeAsABrowserDoes() {
    assertEquals("javascript", SafeUrl.scheme("javascript:alert(1)"));
    assertEquals("javascript", SafeUrl.scheme("JaVaScRiPt:alert(1)"));
    assertEquals("javascript", SafeUrl.scheme("  \u0001\u001F javascript:x"), "leading C0 controls and spaces");
    assertEquals("javascript", SafeUrl.scheme("java\tscr\nipt\r:x"), "tabs and newlines anywhere");
    assertEquals("javascript", SafeUrl.scheme("javascript:x \u0000"), "trailing controls");
    assertEquals("vbscript", SafeUrl.scheme("vbscript:msgbox"));
    assertEquals("data", SafeUrl.scheme("DATA:text/html,x"));
    assertEquals("a+b-c.d", SafeUrl.scheme("a+b-c.d:x"));
    assertEquals("https", SafeUrl.scheme("https://example.org"));
  }

  @Test
  void valuesWithoutASchemeAreRelative() {
    assertNull(SafeUrl.scheme(""));
    assertNull(SafeUrl.scheme("2.html"));
    assertNull(SafeUrl.scheme("../static/x.svg"));
    assertNull(SafeUrl.scheme("#main"));
    assertNull(SafeUrl.scheme("//example.org/x"));
    assertNull(SafeUrl.scheme("javascript%3Aalert(1)"), "percent-encoding is never decoded in a scheme");
    assertNull(SafeUrl.scheme("java script:x"), "an inner space ends the scheme");
    assertNull(SafeUrl.scheme("1javascript:x"), "a scheme starts with a letter");
    assertNull(SafeUrl.scheme("&#106;avascript:x"), "character references are decoded before, not here");
    assertNull(SafeUrl.scheme("java\u00A0script:x"), "no-break space is not stripped");
    assertNull(SafeUrl.scheme("javascript\uFF1Ax"), "a fullwidth colon is no colon");
  }

  @Test
  void linksAllowHttpHttpsMailtoAndRelativeOnly() {
    for (String ok : List.of("https://e.org", "HTTP://e.org", "mailto:a@b.c", "2.html", "", " #x", "?q=1")) {
      assertTrue(SafeUrl.allowed(ok, SafeUrl.Use.LINK), ok);
    }
    for (String bad : List.of("javascript:x", " \tjava\nscript:x", "vbscript:x", "data:text/html,x", "file:///etc/passwd",
        "blob:x", "filesystem:x", "feed:javascript:x", "jar:x", "view-source:x", "x:y")) {
      assertFalse(SafeUrl.allowed(bad, SafeUrl.Use.LINK), bad);
    }
    assertFalse(SafeUrl.allowed(null, SafeUrl.Use.LINK));
  }

  @Test
  void imagesAllowHttpHttpsAndRelativeOnly() {
    assertTrue(SafeUrl.allowed("../static/favicon.svg", SafeUrl.Use.IMAGE));
    assertTrue(SafeUrl.allowed("https://e.org/x.png", SafeUrl.Use.IMAGE));
    assertFalse(SafeUrl.allowed("data:image/png;base64,AAAA", SafeUrl.Use.IMAGE));
    assertFalse(SafeUrl.allowed("mailto:a@b.c", SafeUrl.Use.IMAGE));
    assertFalse(SafeUrl.allowed("javascript:x", SafeUrl.Use.IMAGE));
  }
}
