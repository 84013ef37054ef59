package org.featureatlas.site.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestPathTest {
  @Test
  void plainPathsMapToFiles() {
    assertEquals(Optional.of(new RequestPath("index.html", true)), RequestPath.parse("/"));
    assertEquals(Optional.of(new RequestPath("features/index.html", true)), RequestPath.parse("/features/"));
    assertEquals(Optional.of(new RequestPath("features/12.html", false)), RequestPath.parse("/features/12.html"));
    assertEquals(Optional.of(new RequestPath("a b/ü.html", false)), RequestPath.parse("/a%20b/%C3%BC.html"));
    assertEquals(Optional.of(new RequestPath("a.b/c.d.html", false)), RequestPath.parse("/a.b/c.d.html"));
    assertFalse(RequestPath.hidden("/a.b/c.d.html"));
    assertFalse(RequestPath.hidden("/features/"));
  }

  @Test
  void pathsWithASegmentStartingWithADotAreHiddenEvenWhenEncoded() {
    String[] hidden = {
        "/.git/config", "/.env", "/.nojekyll", "/a/.hidden/x", "/.well-known/security.txt", "/.git/", "/a/.b",
        "/%2egit/config", "/%2Eenv", "/a/%2ehidden/x", "/.", "/..", "/a/..", "/.%2e/x", "/%2e%2e/x", "/.git%2fconfig",
        "/a/.b%zz"};
    for (String raw : hidden) {
      assertTrue(RequestPath.hidden(raw), "should count as hidden: " + raw);
      assertTrue(RequestPath.parse(raw).isEmpty(), "should never parse to a file: " + raw);
    }
  }

  @Test
  void traversalAndMalformedPathsAreRefused() {
    String[] bad = {
        "", "index.html", "/..", "/../x", "/a/../../x", "/a/./b", "//etc/passwd", "/%2e%2e/x", "/%2E%2E/x",
        "/.%2e/x", "/a/%2e%2e%2f%2e%2e%2fx", "/..%2fx", "/..%5cx", "/..\\x", "/a\\b", "/%00", "/x%00.html",
        "/%252e%252e/x", "/%zz", "/%4", "/%c3", "/\u00fc", "/%C3%28", "/a//b", "/C:/x", "/%0a"};
    for (String raw : bad) {
      assertTrue(RequestPath.parse(raw).isEmpty(), "should refuse " + raw);
    }
  }
}
