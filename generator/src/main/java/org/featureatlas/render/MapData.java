package org.featureatlas.render;

import java.util.LinkedHashMap;
import java.util.Map;
import org.featureatlas.data.FeatureMap;
import org.featureatlas.data.MapPoint;

/**
 * The feature map's data for {@code static/map.js}: the script {@value #PATH}, {@code atlasMap(<JSON>, "<data>");}
 * (a script element loads it over HTTP and from file:// alike). The JSON: {@code first} and {@code count} (the site's
 * features), {@code lo} and {@code hi} (the range of log10 density over the features on the map), {@code w} and
 * {@code h} (the map's width and height, the larger being 1). The data string: for each of the {@code count}
 * features, 5 bytes in basE91 ({@link Base91}): x and y as big-endian 16-bit integers in {@code [0, 65534]}
 * (both {@value #ABSENT} for a feature not on the map: dead, or absent from the data's map), then the density
 * code, 0 off the map, else {@code 1 + round(254 (log10 density - lo) / (hi - lo))}.
 */
final class MapData {
  static final String PATH = "map-data.js";
  static final int ABSENT = 0xFFFF;
  static final int BYTES_PER_FEATURE = 5;

  private MapData() {}

  /** The script for the features of {@code summaries} (ascending, the site's range) placed by {@code map}. */
  static String script(FeatureMap map, FeatureSummary[] summaries) {
    int first = summaries.length == 0 ? 0 : summaries[0].index();
    int count = summaries.length;
    double[] x = new double[count];
    double[] y = new double[count];
    boolean[] on = new boolean[count];
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (MapPoint p : map.points()) {
      int k = p.feature() - first;
      if (k < 0 || k >= count || summaries[k].density() <= 0) continue;
      on[k] = true;
      x[k] = p.x();
      y[k] = p.y();
      minX = Math.min(minX, p.x());
      maxX = Math.max(maxX, p.x());
      minY = Math.min(minY, p.y());
      maxY = Math.max(maxY, p.y());
      double d = Math.log10(summaries[k].density());
      lo = Math.min(lo, d);
      hi = Math.max(hi, d);
    }
    boolean any = lo <= hi;
    double span = any ? Math.max(maxX - minX, maxY - minY) : 0;
    byte[] bytes = new byte[BYTES_PER_FEATURE * count];
    for (int k = 0; k < count; k++) {
      int qx = ABSENT;
      int qy = ABSENT;
      int code = 0;
      if (on[k]) {
        qx = span > 0 ? (int) Math.round((x[k] - minX) / span * (ABSENT - 1)) : 0;
        qy = span > 0 ? (int) Math.round((y[k] - minY) / span * (ABSENT - 1)) : 0;
        double d = Math.log10(summaries[k].density());
        code = 1 + (int) (hi > lo ? Math.round(254 * (d - lo) / (hi - lo)) : 127);
      }
      int at = BYTES_PER_FEATURE * k;
      bytes[at] = (byte) (qx >>> 8);
      bytes[at + 1] = (byte) qx;
      bytes[at + 2] = (byte) (qy >>> 8);
      bytes[at + 3] = (byte) qy;
      bytes[at + 4] = (byte) code;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("first", first);
    m.put("count", count);
    m.put("lo", any ? Num.json(lo, 4) : 0);
    m.put("hi", any ? Num.json(hi, 4) : 0);
    m.put("w", span > 0 ? Num.json((maxX - minX) / span, 4) : 1);
    m.put("h", span > 0 ? Num.json((maxY - minY) / span, 4) : 1);
    // basE91 has no '"', '\\' or '<': a plain JS string, written as it is (ScriptJson would escape '>' and '&').
    return "atlasMap(" + ScriptJson.write(m) + ", \"" + Base91.encode(bytes) + "\");\n";
  }
}
