package org.featureatlas.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.featureatlas.render.view.FeatureRow;
import org.featureatlas.render.view.HistogramView;
import org.featureatlas.render.view.PageLink;

/**
 * The index: every feature in a table, {@value #ROWS_PER_PAGE} rows per page in index order
 * ({@code index.html} is page 1 and also the front page; page n ≥ 2 is {@code pages/n.html}).
 * static/table.js re-sorts and re-paginates the whole table from the search shards.
 * The front page also holds the front note, the overview histogram of log10 density over the alive
 * features, and the dead features (density 0), counted and listed in index order. When any feature of the site
 * has explanations, the table has an explanation column ({@code explained}); without, the pages are as before.
 */
final class IndexPages {
  static final int ROWS_PER_PAGE = 500;
  static final int SHOWN_TOKENS = 3;

  private IndexPages() {}

  static int pageCount(int dSae) {
    return Math.max(1, (dSae + ROWS_PER_PAGE - 1) / ROWS_PER_PAGE);
  }

  static String path(int page) {
    return page == 1 ? "index.html" : "pages/" + page + ".html";
  }

  /** Whether the table has the explanation column: some feature of the site has explanations. */
  static boolean explained(FeatureSummary[] all) {
    return java.util.Arrays.stream(all).anyMatch(f -> !f.explanations().isEmpty());
  }

  /** Page {@code page} of the table; {@code explained}: {@link #explained} of {@code all}, computed once a site. */
  static Map<String, Object> context(int page, SiteInfo site, FeatureSummary[] all, TokenText text, Notes notes,
      boolean explained) {
    String root = page == 1 ? "" : "../";
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("root", root);
    c.put("site", site);
    c.put("title", page == 1 ? "Feature atlas" : "Features, page " + page);
    c.put("front", page == 1);
    c.put("page", page);
    int pages = pageCount(all.length);
    c.put("pageCount", pages);
    List<PageLink> links = new ArrayList<>();
    for (int p = 1; p <= pages; p++) {
      if (listed(p, page, pages)) {
        links.add(new PageLink(Integer.toString(p), root + path(p), p == page));
      }
    }
    c.put("pages", links);
    c.put("prevPage", page > 1 ? root + path(page - 1) : null);
    c.put("nextPage", page < pages ? root + path(page + 1) : null);
    List<FeatureRow> rows = new ArrayList<>();
    int start = (page - 1) * ROWS_PER_PAGE;
    for (int i = start; i < Math.min(all.length, start + ROWS_PER_PAGE); i++) {
      rows.add(row(all[i], text));
    }
    c.put("rows", rows);
    c.put("explained", explained);
    c.put("firstRow", start);
    List<Integer> dead = new ArrayList<>();
    List<Double> logDensity = new ArrayList<>();
    for (FeatureSummary f : all) {
      if (f.dead()) {
        dead.add(f.index());
      } else {
        logDensity.add(Math.log10(f.density()));
      }
    }
    c.put("featureCount", all.length);
    c.put("deadCount", dead.size());
    c.put("aliveCount", all.length - dead.size());
    if (page == 1) {
      c.put("dead", dead);
      c.put("note", notes.frontHtml());
      double[] values = logDensity.stream().mapToDouble(Double::doubleValue).toArray();
      HistogramView overview = Histograms.of(Histograms.binned(values, 40),
          "Histogram of log10 activation density over the " + values.length + " alive features", false);
      c.put("overview", overview);
    } else {
      c.put("dead", List.of());
      c.put("note", null);
      c.put("overview", null);
    }
    return c;
  }

  /**
   * Whether table page {@code p} is among the links of page {@code page} (of {@code pages}): the first and the
   * last, the 5 on either side, every 10th within 100 and every 100th. Listing all of them would make the
   * index grow with the square of the features (at 1M features, 2,098 links on each of 2,098 pages). Up to 20 pages, all.
   */
  static boolean listed(int p, int page, int pages) {
    int d = Math.abs(p - page);
    return pages <= 20 || p == 1 || p == pages || d <= 5 || (d <= 100 && p % 10 == 0) || p % 100 == 0;
  }

  static FeatureRow row(FeatureSummary f, TokenText text) {
    return new FeatureRow(f.index(), Num.percent(f.density()), Num.sig(f.maxAct(), 3),
        join(f.actTokens(), text), join(f.topLogits(), text), f.dead(), explanation(f.explanations()));
  }

  /**
   * The explanation cell: the first explanation's shown text, and "(+N more)" when there are others; empty without
   * any. static/table.js writes the same.
   */
  static String explanation(List<String> shown) {
    if (shown.isEmpty()) {
      return "";
    }
    return shown.size() == 1 ? shown.get(0) : shown.get(0) + " (+" + (shown.size() - 1) + " more)";
  }

  private static String join(int[] ids, TokenText text) {
    return java.util.Arrays.stream(ids).limit(SHOWN_TOKENS).mapToObj(text::show)
        .map(s -> "\u201C" + s + "\u201D").collect(Collectors.joining(" "));
  }
}
