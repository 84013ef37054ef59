package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.featureatlas.data.FeatureMap;
import org.featureatlas.data.MapPoint;
import org.featureatlas.render.synthetic.SyntheticData;
import org.featureatlas.render.synthetic.SyntheticSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** map-data.js: its quantised coordinates and density codes against a direct computation; the index shows the map. */
class MapDataTest {
  @TempDir
  Path dir;

  /** The script's JSON, with its data string added as "data". */
  static JsonNode parse(String script) throws Exception {
    assertTrue(script.startsWith("atlasMap({") && script.endsWith("\");\n"), script);
    int cut = script.lastIndexOf("}, \"");
    com.fasterxml.jackson.databind.node.ObjectNode m =
        (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(script.substring("atlasMap(".length(), cut + 1));
    String data = script.substring(cut + 4, script.length() - 4);
    assertTrue(data.chars().noneMatch(c -> c == '"' || c == '\\' || c == '<'), "a plain JS string");
    m.put("data", data);
    return m;
  }

  @Test
  void bytesHoldQuantisedPlacesAndLogDensityCodes() throws Exception {
    // Features 10..14 of a site: 11 dead (not on the map even if listed), 13 absent from the map.
    FeatureSummary[] s = {
        new FeatureSummary(10, 1e-2, 1, new int[0], new int[0], List.of()),
        new FeatureSummary(11, 0.0, 0, new int[0], new int[0], List.of()),
        new FeatureSummary(12, 1e-4, 1, new int[0], new int[0], List.of()),
        new FeatureSummary(13, 1e-3, 1, new int[0], new int[0], List.of()),
        new FeatureSummary(14, 1e-3, 1, new int[0], new int[0], List.of())};
    FeatureMap map = new FeatureMap(FeatureMap.METHOD, List.of(new MapPoint(3, 100, 100), new MapPoint(10, -2, 1),
        new MapPoint(11, 0, 0), new MapPoint(12, 2, 0), new MapPoint(14, 0, 2), new MapPoint(20, 50, 50)));
    JsonNode m = parse(MapData.script(map, s));
    assertEquals(10, m.get("first").asInt());
    assertEquals(5, m.get("count").asInt());
    assertEquals(-4, m.get("lo").asDouble(), 0);
    assertEquals(-2, m.get("hi").asDouble(), 0);
    // x spans 4 (-2..2), y spans 2 (0..2): the larger side is 1.
    assertEquals(1, m.get("w").asDouble(), 0);
    assertEquals(0.5, m.get("h").asDouble(), 0);
    byte[] b = Base91.decode(m.get("data").asText());
    assertEquals(25, b.length);
    int[][] want = { // x, y, code
        {0, (int) Math.round(1.0 / 4 * 65534), 255},
        {0xFFFF, 0xFFFF, 0},
        {65534, 0, 1},
        {0xFFFF, 0xFFFF, 0},
        {(int) Math.round(2.0 / 4 * 65534), (int) Math.round(2.0 / 4 * 65534), 1 + (int) Math.round(254 * 0.5)}};
    for (int k = 0; k < 5; k++) {
      int x = (b[5 * k] & 255) << 8 | (b[5 * k + 1] & 255);
      int y = (b[5 * k + 2] & 255) << 8 | (b[5 * k + 3] & 255);
      assertEquals(want[k][0], x, "x of feature " + (10 + k));
      assertEquals(want[k][1], y, "y of feature " + (10 + k));
      assertEquals(want[k][2], b[5 * k + 4] & 255, "code of feature " + (10 + k));
    }
  }

  @Test
  void aSiteWithAMapShowsItOnTheFrontPageOnlyAndOneWithoutHasNone() throws Exception {
    Path data = Fixtures.synthetic(dir.resolve("data"), new SyntheticSpec(600, 200, 3, false, false));
    Map<String, byte[]> site = SiteFiles.render(RenderOptions.defaults(data), 1);
    String index = new String(site.get("index.html"), StandardCharsets.UTF_8);
    assertTrue(index.contains("<canvas id=\"map-canvas\"") && index.contains("static/map.js"), "front page has the map");
    assertTrue(index.contains("href=\"prompt.html\""), "front page links the prompt view");
    String page2 = new String(site.get("pages/2.html"), StandardCharsets.UTF_8);
    assertFalse(page2.contains("map-canvas") || page2.contains("static/map.js"), "table pages have no map");
    JsonNode m = parse(new String(site.get(MapData.PATH), StandardCharsets.UTF_8));
    assertEquals(600, m.get("count").asInt());
    assertEquals(SyntheticData.map(new SyntheticSpec(600, 200, 3, false, false)).points().size(),
        countOnMap(Base91.decode(m.get("data").asText())));
    String prompt = new String(site.get("prompt.html"), StandardCharsets.UTF_8);
    assertTrue(prompt.contains("atlas preview --model DIR --sae DIR"), "the prompt page says what it needs");
    assertTrue(prompt.contains("static/prompt.js"));

    Map<String, byte[]> without = SiteFiles.render(RenderOptions.defaults(Fixtures.tiny()), 1);
    assertFalse(without.containsKey(MapData.PATH));
    assertFalse(new String(without.get("index.html"), StandardCharsets.UTF_8).contains("map-canvas"));
  }

  private static int countOnMap(byte[] b) {
    int n = 0;
    for (int k = 4; k < b.length; k += 5) if (b[k] != 0) n++;
    return n;
  }
}
