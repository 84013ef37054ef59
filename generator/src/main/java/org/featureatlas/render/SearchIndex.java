package org.featureatlas.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The search data: {@code search.json} (the shard list) and one shard per {@value #SHARD_SIZE}
 * features, each as the script {@code search/N.js} ({@code atlasShard(N, <shard JSON>);}), which loads
 * over HTTP and from file:// alike (browsers refuse fetch() there).
 *
 * <p>A shard: {@code {"first": index of its first feature, "w": digits per token id, "f": [[density, max act,
 * act token ids, top logit ids, note text(, explanations)], ...]}}, one row per feature from "first" on; a sixth
 * element, the shown text of the feature's explanations in their order, only when it has any. The token ids of a
 * row are one string, each id written in "w" base-85 digits ({@link Base85#fixed}); their text is in the
 * site's {@code vocab.js}, which the search script loads with the shards.
 */
final class SearchIndex {
  static final int SHARD_SIZE = 2048;

  private SearchIndex() {}

  static int shardCount(int dSae) {
    return Math.max(1, (dSae + SHARD_SIZE - 1) / SHARD_SIZE);
  }

  static String manifest(int dSae) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<String> js = new ArrayList<>();
    for (int s = 0; s < shardCount(dSae); s++) {
      js.add("search/" + s + ".js");
    }
    m.put("count", dSae);
    m.put("shard_size", SHARD_SIZE);
    m.put("scripts", js);
    return ScriptJson.write(m);
  }

  /** The JSON of shard {@code s}; {@code summaries} is indexed by feature; {@code vocabSize} sizes the ids. */
  static String shard(int s, FeatureSummary[] summaries, int vocabSize, Notes notes) {
    int start = s * SHARD_SIZE;
    int end = Math.min(summaries.length, start + SHARD_SIZE);
    long maxId = Math.max(vocabSize - 1, 0);
    for (int i = start; i < end; i++) {
      for (int id : summaries[i].actTokens()) {
        maxId = Math.max(maxId, id);
      }
      for (int id : summaries[i].topLogits()) {
        maxId = Math.max(maxId, id);
      }
    }
    int width = Base85.fixedWidth(maxId);
    List<Object> rows = new ArrayList<>();
    for (int i = start; i < end; i++) {
      FeatureSummary f = summaries[i];
      List<Object> row = new ArrayList<>(5);
      row.add(Num.json(f.density(), 3));
      row.add(Num.json(f.maxAct(), 3));
      row.add(ids(f.actTokens(), width));
      row.add(ids(f.topLogits(), width));
      row.add(notes.searchText(f.index()));
      if (!f.explanations().isEmpty()) {
        row.add(f.explanations());
      }
      rows.add(row);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("first", start < end ? summaries[start].index() : 0);
    m.put("w", width);
    m.put("f", rows);
    return ScriptJson.write(m);
  }

  static String script(int s, String shardJson) {
    return "atlasShard(" + s + ", " + shardJson + ");\n";
  }

  private static String ids(int[] ids, int width) {
    StringBuilder out = new StringBuilder(ids.length * width);
    for (int id : ids) {
      Base85.fixed(id, width, out);
    }
    return out.toString();
  }
}
