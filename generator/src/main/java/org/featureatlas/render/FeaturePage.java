package org.featureatlas.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Interval;
import org.featureatlas.data.TokenValue;
import org.featureatlas.data.UnitScore;
import org.featureatlas.render.view.ExampleView;
import org.featureatlas.render.view.GroupView;
import org.featureatlas.render.view.LogitRow;
import org.featureatlas.render.view.ScoreRow;
import org.featureatlas.render.view.ScoreTable;
import org.featureatlas.render.view.TokenCell;

/**
 * Builds the template context of one feature page. Example groups are shown in a fixed order (top
 * examples, then the intervals from highest to lowest); the hover data blob lists the examples in
 * that same order, and each example's tokens in window order, so static/feature.js can pair the n-th
 * token element with the n-th entry.
 */
final class FeaturePage {
  static final int SHADES = 10;
  static final int UNDERLINES = 3;
  static final int HOVER_DIGITS = 3;

  private final SiteInfo site;
  private final TokenText text;

  FeaturePage(SiteInfo site, TokenText text) {
    this.site = site;
    this.text = text;
  }

  Map<String, Object> context(FeatureRecord f, String noteHtml) {
    Map<String, Object> c = new LinkedHashMap<>();
    int i = f.index();
    c.put("root", "../");
    c.put("site", site);
    c.put("index", i);
    c.put("title", "Feature " + i);
    c.put("prev", i > 0 ? (i - 1) + ".html" : null);
    c.put("next", i + 1 < site.dSae() ? (i + 1) + ".html" : null);
    c.put("random", randomNeighbour(i, site.dSae()) + ".html");
    c.put("dead", f.isDead());
    c.put("density", Num.percent(f.density()));
    c.put("maxAct", Num.sig(f.maxAct(), 3));
    c.put("meanAct", Num.sig(f.meanAct(), 3));
    c.put("actHistogram", Histograms.of(f.actHistogram(), "Activation histogram of feature " + i, false));
    c.put("logitHistogram", Histograms.of(f.logits() == null ? null : f.logits().histogram(),
        "Histogram of the logit effect of feature " + i + " over the vocabulary", true));
    c.put("tables", tables(f));
    double maxLogit = maxAbsLogit(f);
    c.put("topLogits", logitRows(f.logits() == null ? List.of() : f.logits().top(), maxLogit));
    c.put("bottomLogits", logitRows(f.logits() == null ? List.of() : f.logits().bottom(), maxLogit));
    List<GroupSource> groups = groups(f);
    double maxLoss = maxAbsLoss(groups);
    List<GroupView> views = new ArrayList<>();
    for (GroupSource g : groups) {
      List<ExampleView> ex = new ArrayList<>();
      for (Example e : g.examples()) {
        ex.add(example(e, f.maxAct(), maxLoss));
      }
      views.add(new GroupView(g.id(), g.title(), g.detail(), ex));
    }
    c.put("groups", views);
    c.put("hover", hoverJson(f, groups));
    c.put("note", noteHtml);
    return c;
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

  private List<ScoreTable> tables(FeatureRecord f) {
    List<ScoreTable> t = new ArrayList<>();
    t.add(table("neuron-alignment", "Neuron alignment", "Neuron", "Value", "% of L1", f.neuronAlignment(), true));
    t.add(table("correlated-neurons", "Correlated neurons", "Neuron", "Pearson", "Cosine", f.correlatedNeurons(), false));
    if (f.correlatedFeaturesB() != null) {
      t.add(table("correlated-features-b", "Correlated features (encoder B)", "Feature", "Pearson", "Cosine",
          f.correlatedFeaturesB(), false));
    }
    return t;
  }

  private static ScoreTable table(String id, String caption, String unit, String a, String b, List<UnitScore> scores,
      boolean bIsFraction) {
    List<ScoreRow> rows = new ArrayList<>();
    if (scores != null) {
      for (UnitScore s : scores) {
        rows.add(new ScoreRow(Integer.toString(s.unit()), Num.sig(s.a(), 3),
            bIsFraction ? Num.percent(s.b()) : Num.sig(s.b(), 3)));
      }
    }
    return new ScoreTable(id, caption, unit, a, b, rows);
  }

  private static double maxAbsLogit(FeatureRecord f) {
    double m = 0;
    if (f.logits() != null) {
      for (TokenValue t : f.logits().top()) {
        m = Math.max(m, Math.abs(t.value()));
      }
      for (TokenValue t : f.logits().bottom()) {
        m = Math.max(m, Math.abs(t.value()));
      }
    }
    return m;
  }

  private List<LogitRow> logitRows(List<TokenValue> values, double max) {
    List<LogitRow> rows = new ArrayList<>();
    for (TokenValue t : values) {
      int shade = max > 0 ? (int) Math.ceil(SHADES * Math.abs(t.value()) / max) : 0;
      shade = Math.min(Math.max(shade, 0), SHADES);
      String cls = shade == 0 ? "" : (t.value() < 0 ? "ln" : "lp") + shade;
      rows.add(new LogitRow(text.show(t.token()), Num.sig(t.value(), 3), cls));
    }
    return rows;
  }

  /** One group of examples before it becomes a view. */
  record GroupSource(String id, String title, String detail, List<Example> examples) {}

  static List<GroupSource> groups(FeatureRecord f) {
    List<GroupSource> g = new ArrayList<>();
    g.add(new GroupSource("top", "Top activations", "",
        f.topExamples() == null ? List.of() : f.topExamples()));
    if (f.intervals() != null) {
      List<Interval> iv = new ArrayList<>(f.intervals());
      iv.sort((x, y) -> Double.compare(y.hi(), x.hi()));
      int n = 0;
      for (Interval v : iv) {
        g.add(new GroupSource("interval-" + n++, "Interval " + Num.sig(v.lo(), 3) + " – " + Num.sig(v.hi(), 3),
            Num.percent(v.fraction()) + " of positions", v.examples() == null ? List.of() : v.examples()));
      }
    }
    return g;
  }

  private static double maxAbsLoss(List<GroupSource> groups) {
    double m = 0;
    for (GroupSource g : groups) {
      for (Example e : g.examples()) {
        for (Double l : e.lossEffect()) {
          if (l != null) {
            m = Math.max(m, Math.abs(l));
          }
        }
      }
    }
    return m;
  }

  private ExampleView example(Example e, double maxAct, double maxLoss) {
    List<TokenCell> cells = new ArrayList<>(e.tokens().size());
    int centre = e.pos() - e.start();
    for (int q = 0; q < e.tokens().size(); q++) {
      StringBuilder cls = new StringBuilder();
      double a = e.acts().get(q);
      if (a > 0 && maxAct > 0) {
        int shade = Math.min(SHADES, Math.max(1, (int) Math.ceil(SHADES * a / maxAct)));
        cls.append('a').append(shade);
      }
      Double loss = e.lossEffect().get(q);
      if (loss != null && loss != 0.0 && maxLoss > 0) {
        int u = Math.min(UNDERLINES, Math.max(1, (int) Math.ceil(UNDERLINES * Math.abs(loss) / maxLoss)));
        append(cls, (loss > 0 ? "p" : "n") + u);
      }
      if (q == centre) {
        append(cls, "c");
      }
      cells.add(new TokenCell(text.show(e.tokens().get(q)), cls.toString()));
    }
    return new ExampleView(Num.sig(e.act(), 3), cells);
  }

  private static void append(StringBuilder cls, String c) {
    if (cls.length() > 0) {
      cls.append(' ');
    }
    cls.append(c);
  }

  /**
   * {"b": [default bottom ids], "s": [strings], "t": [default top ids], "x": [[seq, start, [row, ...]], ...]}, one
   * entry of "x" per example in page order. A row is {@code [q, act, loss]}, then {@code [top values], [bottom
   * values]} where the position has log-prob changes, then {@code [top ids], [bottom ids]} where those differ from
   * the defaults. Positions without a row have activation 0, no log-prob changes, and the usual loss effect: 0, or
   * null at sequence position 0. Ids index "s"; the defaults are the feature's 5 top and bottom logit tokens, which
   * through the direct path are the top and bottom log-prob changes wherever the feature fires. Values have
   * {@value #HOVER_DIGITS} significant digits.
   */
  private String hoverJson(FeatureRecord f, List<GroupSource> groups) {
    Map<Integer, Integer> local = new LinkedHashMap<>();
    List<Integer> defaultTop = defaults(f.logits() == null ? List.of() : f.logits().top());
    List<Integer> defaultBottom = defaults(f.logits() == null ? List.of() : f.logits().bottom());
    List<Object> examples = new ArrayList<>();
    for (GroupSource g : groups) {
      for (Example e : g.examples()) {
        List<Object> rows = new ArrayList<>();
        for (int q = 0; q < e.tokens().size(); q++) {
          double act = e.acts().get(q);
          Double loss = e.lossEffect().get(q);
          Double usual = e.start() + q == 0 ? null : 0.0;
          List<TokenValue> top = e.topLogprob().get(q);
          List<TokenValue> bottom = e.bottomLogprob().get(q);
          boolean hasLp = !top.isEmpty() || !bottom.isEmpty();
          if (act == 0.0 && java.util.Objects.equals(loss, usual) && !hasLp) {
            continue;
          }
          List<Object> row = new ArrayList<>(7);
          row.add(q);
          row.add(Num.json(act, HOVER_DIGITS));
          row.add(loss == null ? null : Num.json(loss, HOVER_DIGITS));
          if (hasLp) {
            row.add(values(top));
            row.add(values(bottom));
            if (!ids(top).equals(defaultTop) || !ids(bottom).equals(defaultBottom)) {
              row.add(localIds(ids(top), local));
              row.add(localIds(ids(bottom), local));
            }
          }
          rows.add(row);
        }
        examples.add(List.of(e.seq(), e.start(), rows));
      }
    }
    List<Integer> t = localIds(defaultTop, local);
    List<Integer> b = localIds(defaultBottom, local);
    List<String> strings = new ArrayList<>(local.size());
    for (Integer id : local.keySet()) {
      strings.add(text.show(id));
    }
    Map<String, Object> blob = new LinkedHashMap<>();
    blob.put("b", b);
    blob.put("s", strings);
    blob.put("t", t);
    blob.put("x", examples);
    return ScriptJson.write(blob);
  }

  private static List<Integer> defaults(List<TokenValue> logits) {
    return ids(logits.subList(0, Math.min(5, logits.size())));
  }

  private static List<Integer> ids(List<TokenValue> values) {
    List<Integer> out = new ArrayList<>(values.size());
    for (TokenValue t : values) {
      out.add(t.token());
    }
    return out;
  }

  private static List<Object> values(List<TokenValue> values) {
    List<Object> out = new ArrayList<>(values.size());
    for (TokenValue t : values) {
      out.add(Num.json(t.value(), HOVER_DIGITS));
    }
    return out;
  }

  private static List<Integer> localIds(List<Integer> ids, Map<Integer, Integer> local) {
    List<Integer> out = new ArrayList<>(ids.size());
    for (Integer id : ids) {
      out.add(local.computeIfAbsent(id, k -> local.size()));
    }
    return out;
  }
}
