package org.featureatlas.site.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    assertEquals(Optional.of(new RequestPath(".nojekyll", false)), RequestPath.parse("/.nojekyll"));
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
