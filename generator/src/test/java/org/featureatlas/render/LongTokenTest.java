package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Json;
import org.featureatlas.render.synthetic.SyntheticSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vocabulary of enormous token strings: every page, the index and the search data show each cut, and stay small. */
class LongTokenTest {
  @Test
  void enormousTokensAreCutEverywhere(@TempDir Path tmp) throws Exception {
    Path data = Fixtures.synthetic(tmp.resolve("data"), new SyntheticSpec(6, 40, 9, false, false));
    List<String> vocab = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      vocab.add(i + "z".repeat(200_000)); // 200,001 or 200,002 code points
    }
    Files.writeString(data.resolve(DataDir.VOCAB), Json.mapper().writeValueAsString(vocab));
    SortedMap<String, byte[]> site = SiteFiles.render(RenderOptions.defaults(data), 2);
    long total = 0;
    for (var e : site.entrySet()) {
      String text = new String(e.getValue(), java.nio.charset.StandardCharsets.UTF_8);
      total += e.getValue().length;
      assertFalse(text.contains("z".repeat(TokenText.MAX_SHOWN)), e.getKey() + " shows a token uncut");
    }
    // The search shards hold token ids only; their text is vocab.js's.
    for (String path : List.of("vocab.js", "index.html")) {
      String text = SiteFiles.text(site, path);
      assertTrue(text.matches("(?s).*[0-9]z{62,63}\u2026\u27E8(199937|199938) more\u27E9.*"), path + " shows the cut");
    }
    assertTrue(total < 3_000_000, "the site stays small: " + total + " bytes from a vocabulary of 8 MB");
  }
}
