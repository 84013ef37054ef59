package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SortedMap;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** Every page of the tiny site carries one Content-Security-Policy before anything it loads, and needs no more. */
class ContentPolicyTest {
  @Test
  void everyPageHasThePolicyFirstAndUsesNoInlineScriptOrStyle() {
    SortedMap<String, byte[]> site = SiteFiles.render(RenderOptions.defaults(Fixtures.tiny()), 2);
    int pages = 0;
    for (String path : site.keySet()) {
      if (!path.endsWith(".html")) {
        continue;
      }
      pages++;
      Document doc = Jsoup.parse(SiteFiles.text(site, path));
      var metas = doc.select("meta[http-equiv=Content-Security-Policy]");
      assertEquals(1, metas.size(), path);
      Element meta = metas.first();
      assertEquals(1, meta.elementSiblingIndex(), path + ": right after <meta charset>, before any link or script");
      var policy = Arrays.stream(meta.attr("content").split(";")).map(String::strip)
          .collect(Collectors.toMap(d -> d.split(" ")[0], d -> d.substring(d.indexOf(' ') + 1)));
      assertEquals("'none'", policy.get("default-src"), path);
      for (String d : new String[] {"script-src", "style-src", "img-src", "connect-src", "form-action"}) {
        assertEquals("'self'", policy.get(d), path + " " + d);
      }
      assertEquals("'none'", policy.get("base-uri"), path);
      // What the policy forbids, the pages must not need.
      assertTrue(doc.select("script:not([src]):not([type=application/json])").isEmpty(), path + ": inline script");
      assertTrue(doc.select("style, [style]").isEmpty(), path + ": inline style");
      for (Element e : doc.getAllElements()) {
        e.attributes().forEach(a -> assertTrue(!a.getKey().startsWith("on"), path + ": handler " + a));
      }
      for (Element e : doc.select("[src], link[href]")) {
        String url = e.hasAttr("src") ? e.attr("src") : e.attr("href");
        assertEquals(null, SafeUrl.scheme(url), path + ": loads from another origin: " + url);
      }
    }
    assertTrue(pages >= 10, "checked " + pages + " pages");
  }
}
