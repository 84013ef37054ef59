package org.featureatlas.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Interval;
import org.featureatlas.render.explain.Explanation;
import org.featureatlas.render.explain.Explanations;
import org.featureatlas.render.view.ExplanationView;

/**
 * Builds the template context of one feature page: a lean HTML page (navigation, title, note) whose
 * panels static/feature.js draws from the page's compact data ({@link PageData}). Example groups are in a
 * fixed order: top examples, then the intervals from highest to lowest.
 */
final class FeaturePage {
  static final int SHADES = 10;
  static final int UNDERLINES = 3;

  private final SiteInfo site;
  private final String bSite;

  FeaturePage(SiteInfo site) {
    this(site, null);
  }

  /** {@code bSite}: encoder B's site relative to this site's root (ends in '/'), or null when B has none. */
  FeaturePage(SiteInfo site, String bSite) {
    this.site = site;
    this.bSite = bSite;
  }

  Map<String, Object> context(FeatureRecord f, String noteHtml) {
    return context(f, noteHtml, List.of());
  }

  /** {@code explanations}: the feature's, in their order (shown above the note; none: the page is as without). */
  Map<String, Object> context(FeatureRecord f, String noteHtml, List<ExplanationView> explanations) {
    Map<String, Object> c = new LinkedHashMap<>();
    int i = f.index();
    c.put("root", "../");
    c.put("site", site);
    c.put("index", i);
    c.put("title", "Feature " + i);
    c.put("prev", i > site.first() ? (i - 1) + ".html" : null);
    c.put("next", i + 1 < site.end() ? (i + 1) + ".html" : null);
    c.put("random", site.first() + randomNeighbour(i - site.first(), site.end() - site.first()) + ".html");
    c.put("dead", f.isDead());
    c.put("data", PageData.encode(f));
    c.put("note", noteHtml);
    c.put("explanations", explanations);
    c.put("bSite", bSite);
    return c;
  }

  /** The views of a feature's explanations, in their order: shown text, and method and model when known. */
  static List<ExplanationView> explanations(List<Explanation> explanations) {
    List<ExplanationView> views = new ArrayList<>(explanations.size());
    for (Explanation e : explanations) {
      String by = java.util.stream.Stream.of(e.type(), e.model()).filter(s -> s != null && !s.isBlank())
          .map(TokenText::visible).collect(java.util.stream.Collectors.joining(" \u00B7 "));
      views.add(new ExplanationView(Explanations.shown(e.description()), by));
    }
    return views;
  }

  /** A fixed pseudo-random other feature (Fibonacci hashing), so pages stay byte-identical. */
  static int randomNeighbour(int i, int n) {
    if (n <= 1) {
      return 0;
    }
    long h = (i + 1L) * 0x9E3779B97F4A7C15L;
    int r = (int) Long.remainderUnsigned(h ^ (h >>> 29), n - 1);
    return r >= i ? r + 1 : r;
  }

  /** One group of examples: the top examples ({@code interval} null) or one interval. */
  record GroupSource(Interval interval, List<Example> examples) {}

  static List<GroupSource> groups(FeatureRecord f) {
    List<GroupSource> g = new ArrayList<>();
    g.add(new GroupSource(null, f.topExamples() == null ? List.of() : f.topExamples()));
    if (f.intervals() != null) {
      List<Interval> iv = new ArrayList<>(f.intervals());
      iv.sort((x, y) -> Double.compare(y.hi(), x.hi()));
      for (Interval v : iv) {
        g.add(new GroupSource(v, v.examples() == null ? List.of() : v.examples()));
      }
    }
    return g;
  }
}
