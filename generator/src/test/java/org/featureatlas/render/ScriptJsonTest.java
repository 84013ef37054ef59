package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScriptJsonTest {
  @Test
  void escapesEverythingThatCouldEndOrBreakAScriptAndRoundTrips() throws Exception {
    String hostile = "</script><!-- & \u2028\u2029 <b>";
    String json = ScriptJson.write(Map.of("s", List.of(hostile)));
    assertFalse(json.contains("<") || json.contains(">") || json.contains("&") || json.contains("\u2028")
        || json.contains("\u2029"), json);
    assertEquals(hostile, new ObjectMapper().readTree(json).get("s").get(0).asText());
  }
}
