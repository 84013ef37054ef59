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
 * <p>A shard: {@code {"start": first index, "s": [token strings], "f": [[index, density, max act,
 * [act token ids], [top logit ids], note text], ...]}}; token ids index the shard's "s".
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

  /** The JSON of shard {@code s}; {@code summaries} is indexed by feature. */
  static String shard(int s, FeatureSummary[] summaries, TokenText text, Notes notes) {
    int start = s * SHARD_SIZE;
    int end = Math.min(summaries.length, start + SHARD_SIZE);
    Map<Integer, Integer> local = new LinkedHashMap<>();
    List<Object> rows = new ArrayList<>();
    for (int i = start; i < end; i++) {
      FeatureSummary f = summaries[i];
      List<Object> row = new ArrayList<>(6);
      row.add(f.index());
      row.add(Num.json(f.density(), 3));
      row.add(Num.json(f.maxAct(), 3));
      row.add(localIds(f.actTokens(), local));
      row.add(localIds(f.topLogits(), local));
      row.add(notes.searchText(i));
      rows.add(row);
    }
    List<String> strings = new ArrayList<>(local.size());
    for (Integer id : local.keySet()) {
      strings.add(text.show(id));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("f", rows);
    m.put("s", strings);
    m.put("start", start);
    return ScriptJson.write(m);
  }

  static String script(int s, String shardJson) {
    return "atlasShard(" + s + ", " + shardJson + ");\n";
  }

  private static List<Integer> localIds(int[] ids, Map<Integer, Integer> local) {
    List<Integer> out = new ArrayList<>(ids.length);
    for (int id : ids) {
      out.add(local.computeIfAbsent(id, k -> local.size()));
    }
    return out;
  }
}
