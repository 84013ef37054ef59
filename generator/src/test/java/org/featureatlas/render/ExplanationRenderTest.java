package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny fixture rendered with {@link Fixtures#explanations} (hostile texts, a CSV then a Neuronpedia JSONL): the
 * explanations show on their feature pages, in the index table's last column and in the search shards, each read
 * back independently (HTML parsed by jsoup, the shard as JSON) and compared with the raw text under a separately
 * stated display rule; nothing else of the site changes.
 */
class ExplanationRenderTest {
  @TempDir
  static Path tmp;

  static List<Path> files;
  static List<String> warnings = new ArrayList<>();
  static List<String> firstWarnings;
  static SortedMap<String, byte[]> plain;
  static SortedMap<String, byte[]> explained;

  @BeforeAll
  static void render() {
    files = Fixtures.explanations(tmp.resolve("explanations"));
    plain = SiteFiles.render(RenderOptions.defaults(Fixtures.tiny()), 2);
    explained = render(RenderOptions.defaults(Fixtures.tiny()).withExplanations(files, null), 2);
    firstWarnings = List.copyOf(warnings);
  }

  private static SortedMap<String, byte[]> render(RenderOptions opts, int threads) {
    MemorySink sink = new MemorySink();
    SiteRenderer.render(opts, sink, threads, false, warnings::add);
    return sink.files();
  }

  /** The display rule, stated apart from the code: white space runs to one space, trimmed, bidi controls visible. */
  static String shown(String raw) {
    String s = raw.replaceAll("[\\s\\u2028\\u2029]+", " ").strip();
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(cp -> {
      if (cp == 0x202E || cp == 0x200F) {
        b.append(String.format("\u27E8U+%04X\u27E9", cp));
      } else {
        b.appendCodePoint(cp);
      }
    });
    return b.toString();
  }

  @Test
  void featurePagesShowEveryExplanationInFileThenLineOrder() {
    for (int i = 0; i < 7; i++) {
      Document page = Jsoup.parse(SiteFiles.text(explained, "features/" + i + ".html"));
      List<String> texts = page.select("section.explanations li span.x").eachText().stream().toList();
      List<String> raw = Fixtures.explanationTexts(i);
      // eachText() normalises white space; the rule already made it single spaces, so compare the own text.
      List<String> own = page.select("section.explanations li span.x").stream().map(Element::wholeText).toList();
      assertEquals(raw.stream().map(ExplanationRenderTest::shown).toList(), own, "feature " + i);
      assertEquals(raw.size(), texts.size());
      if (raw.isEmpty()) {
        assertArrayEquals(plain.get("features/" + i + ".html"), explained.get("features/" + i + ".html"),
            "feature " + i + " has no explanation: its page is unchanged");
      }
    }
    Document zero = Jsoup.parse(SiteFiles.text(explained, "features/0.html"));
    assertEquals(List.of("", shown(Fixtures.HOSTILE_TYPE) + " \u00B7 gpt-4o-mini"),
        zero.select("section.explanations li").stream().map(li -> li.select("small").text()).toList(),
        "the CSV row has no method or model; the Neuronpedia row names both");
    assertEquals(List.of("", "np_max-act-logits \u00B7 gpt-4o-mini"), Jsoup.parse(SiteFiles.text(explained, "features/2.html"))
        .select("section.explanations li").stream().map(li -> li.select("small").text()).toList());
  }

  @Test
  void explanationsAreTheOnlyChangeToAnExplainedPage() {
    for (int i : new int[] {0, 2}) {
      String html = SiteFiles.text(explained, "features/" + i + ".html");
      int from = html.indexOf("<section class=\"explanations\"");
      int to = html.indexOf("</section>", from) + "</section>".length();
      assertTrue(from > 0 && to > from, html);
      assertEquals(SiteFiles.text(plain, "features/" + i + ".html"), html.substring(0, from) + html.substring(to));
      String section = html.substring(from, to);
      assertFalse(section.contains("<script") || section.contains("<img") || section.contains("<a ")
          || section.contains("<i>"), "hostile text is escaped: " + section);
      assertTrue(i != 0 || section.contains("{{ 7*7 }} {% if x %}"), "template syntax shows literally: " + section);
      assertFalse(section.matches("(?s).*[\u2028\u2029\u202E\u200F].*"), "no raw bidi control or line separator");
    }
  }

  @Test
  void theIndexTableHasAnExplanationColumnOnlyWhenThereAreExplanations() {
    Document index = Jsoup.parse(SiteFiles.text(explained, "index.html"));
    assertEquals(List.of("Feature", "Density", "Max act", "Top tokens", "Top logits", "Explanation"),
        index.select("#features thead th").eachText());
    List<String> cells = index.select("#features tbody tr").stream().map(tr -> tr.select("td").get(5).wholeText()).toList();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      List<String> raw = Fixtures.explanationTexts(i);
      expected.add(raw.isEmpty() ? "" : shown(raw.get(0)) + (raw.size() > 1 ? " (+" + (raw.size() - 1) + " more)" : ""));
    }
    assertEquals(expected, cells);
    assertTrue(index.select("#features tbody td.x").size() == 7);
    assertFalse(SiteFiles.text(plain, "index.html").contains("data-key=\"explanation\""), "no column without explanations");
  }

  @Test
  void searchShardsHoldTheExplanationsAsASixthElement() throws Exception {
    String script = SiteFiles.text(explained, "search/0.js");
    assertFalse(script.contains("<") || script.contains(">") || script.contains("&") || script.contains("\u2028"),
        "the shard escapes markup characters");
    JsonNode shard = new ObjectMapper().readTree(script.substring("atlasShard(0, ".length(), script.length() - 3));
    for (int i = 0; i < 7; i++) {
      JsonNode row = shard.get("f").get(i);
      List<String> raw = Fixtures.explanationTexts(i);
      assertEquals(raw.isEmpty() ? 5 : 6, row.size(), "row " + i);
      if (!raw.isEmpty()) {
        List<String> got = new ArrayList<>();
        row.get(5).forEach(n -> got.add(n.asText()));
        assertEquals(raw.stream().map(ExplanationRenderTest::shown).toList(), got, "row " + i);
      }
    }
    assertArrayEquals(plain.get("search.json"), explained.get("search.json"));
  }

  @Test
  void rowsOutsideTheAtlasAreWarnedAndTheRestIsByteIdentical() {
    assertEquals(List.of(files.get(1) + ":3: feature 9 is out of range (the atlas has 7 features, 0 to 6); row skipped"),
        firstWarnings);
    SortedMap<String, byte[]> again = render(RenderOptions.defaults(Fixtures.tiny()).withExplanations(files, null), 1);
    assertEquals(explained.keySet(), again.keySet());
    for (String path : explained.keySet()) {
      assertArrayEquals(explained.get(path), again.get(path), path + " differs between runs");
    }
    for (String path : plain.keySet()) {
      if (!path.equals("index.html") && !path.startsWith("search/") && !path.equals("features/0.html")
          && !path.equals("features/2.html")) {
        assertArrayEquals(plain.get(path), explained.get(path), path + " changed though it shows no explanation");
      }
    }
  }

  @Test
  void aRangeShowsOnlyItsFeaturesExplanationsAndASourceFilterKeepsItsRows() {
    SortedMap<String, byte[]> range = render(RenderOptions.defaults(Fixtures.tiny()).withExplanations(files, null)
        .withFeatures(1, 4), 1);
    assertTrue(SiteFiles.text(range, "features/2.html").contains("class=\"explanations\""));
    Document index = Jsoup.parse(SiteFiles.text(range, "index.html"));
    assertEquals(List.of("", shown(Fixtures.explanationTexts(2).get(0)) + " (+1 more)", ""),
        index.select("#features tbody td.x").stream().map(Element::wholeText).toList());
    SortedMap<String, byte[]> csvOnly = render(RenderOptions.defaults(Fixtures.tiny())
        .withExplanations(files, org.featureatlas.render.explain.Source.parse("other-model/0-tiny")), 1);
    assertEquals(List.of(shown(Fixtures.HOSTILE_EXPLANATION)), Jsoup.parse(SiteFiles.text(csvOnly, "features/0.html"))
        .select("section.explanations span.x").stream().map(Element::wholeText).toList(),
        "another source's Neuronpedia rows are left out; CSV rows have no source and stay");
  }

  @Test
  void theDataDirectorysExplanationsFolderIsReadByDefault(@TempDir Path data) throws Exception {
    Fixtures.synthetic(data, Fixtures.TINY);
    java.nio.file.Files.createDirectories(data.resolve("explanations"));
    java.nio.file.Files.writeString(data.resolve("explanations/mine.csv"), "4,from the data directory\n");
    SortedMap<String, byte[]> site = render(RenderOptions.defaults(data), 1);
    assertEquals(List.of("from the data directory"), Jsoup.parse(SiteFiles.text(site, "features/4.html"))
        .select("section.explanations span.x").eachText());
    SortedMap<String, byte[]> given = render(RenderOptions.defaults(data).withExplanations(List.of(files.get(0)), null), 1);
    assertFalse(SiteFiles.text(given, "features/4.html").contains("explanations"), "--explanations replaces the folder");
  }
}
