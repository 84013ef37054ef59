package org.featureatlas.render;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.Deflater;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureCosine;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Histogram;
import org.featureatlas.data.TokenValue;
import org.featureatlas.data.UnitScore;

/**
 * The data of one feature page, which static/feature.js turns into the page's panels: every number as
 * the page shows it (3 significant digits, {@link Dec3}), every token as its vocabulary id (the strings
 * are in the site's {@code vocab.js}, shared by all pages), every shading class as computed here. The
 * bytes are seven sections (meta, tok, cls, row, num, lp, ids; meta ends with the similar-features tables),
 * raw-deflated (level 9, flushed after each section) and written in {@link Base91};
 * the format is in docs/site.md ("Page data"). The top and bottom log-prob changes of a position are
 * stored as differences from a prediction through the direct path (the change is about {@code k · logit
 * effect + c} over the feature's top and bottom logit tokens), made with the same double arithmetic as
 * the script's, so the page shows the same 3 digits the data rounds to.
 */
final class PageData {
  static final int VERSION = 1;
  static final int DEFAULT_IDS = 5;

  private final Buf meta = new Buf();
  private final Buf tok = new Buf();
  private final Buf cls = new Buf();
  private final Buf row = new Buf();
  private final Buf num = new Buf();
  private final Buf lp = new Buf();
  private final Buf ids = new Buf();
  private final int idWidth;

  private PageData(int idWidth) {
    this.idWidth = idWidth;
  }

  /** The base-91 text of feature {@code f}'s page data. */
  static String encode(FeatureRecord f) {
    return Base91.encode(deflate(parts(f)));
  }

  /** The uncompressed page data of {@code f}. */
  static byte[] bytes(FeatureRecord f) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts(f)) {
      out.write(part, 0, part.length);
    }
    return out.toByteArray();
  }

  /**
   * The uncompressed page data of {@code f} in parts: the version bytes and the first section, then one part
   * per further section (each with its length).
   */
  static List<byte[]> parts(FeatureRecord f) {
    List<FeaturePage.GroupSource> groups = FeaturePage.groups(f);
    int maxId = 0;
    List<TokenValue> top = f.logits() == null ? List.of() : f.logits().top();
    List<TokenValue> bottom = f.logits() == null ? List.of() : f.logits().bottom();
    for (TokenValue t : top) {
      maxId = Math.max(maxId, t.token());
    }
    for (TokenValue t : bottom) {
      maxId = Math.max(maxId, t.token());
    }
    for (FeaturePage.GroupSource g : groups) {
      for (Example e : g.examples()) {
        for (int t : e.tokens()) {
          maxId = Math.max(maxId, t);
        }
        for (List<TokenValue> l : e.topLogprob()) {
          for (TokenValue t : l) {
            maxId = Math.max(maxId, t.token());
          }
        }
        for (List<TokenValue> l : e.bottomLogprob()) {
          for (TokenValue t : l) {
            maxId = Math.max(maxId, t.token());
          }
        }
      }
    }
    PageData p = new PageData(maxId < 65536 ? 2 : 3);
    p.write(f, groups, top, bottom);
    List<byte[]> parts = new ArrayList<>();
    for (Buf b : List.of(p.meta, p.tok, p.cls, p.row, p.num, p.lp, p.ids)) {
      Buf part = new Buf();
      if (parts.isEmpty()) {
        part.put(VERSION);
        part.put(p.idWidth == 3 ? 1 : 0);
      }
      part.varint(b.size());
      b.writeTo(part);
      parts.add(part.toByteArray());
    }
    return parts;
  }

  /**
   * One raw deflate stream (level 9) of the parts, flushed after each part (SYNC_FLUSH) so that each section
   * gets deflate blocks, and so Huffman codes, of its own: the sections' bytes are distributed very
   * differently (token ids hardly compress, shading corrections are nearly all 0), and one code for all of
   * them costs about 5% more. Any inflater reads it as one stream.
   */
  static byte[] deflate(List<byte[]> parts) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
      byte[] buf = new byte[8192];
      for (int k = 0; k < parts.size(); k++) {
        d.setInput(parts.get(k));
        boolean last = k == parts.size() - 1;
        if (last) {
          d.finish();
          while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
          }
        } else {
          int n;
          do {
            n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
          } while (n == buf.length);
        }
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  private void write(FeatureRecord f, List<FeaturePage.GroupSource> groups, List<TokenValue> top,
      List<TokenValue> bottom) {
    meta.z(Dec3.of(f.density() * 100.0));
    meta.z(Dec3.of(f.maxAct()));
    meta.z(Dec3.of(f.meanAct()));
    histogram(f.actHistogram(), false);
    histogram(f.logits() == null ? null : f.logits().histogram(), true);

    double maxLogit = 0;
    for (TokenValue t : top) {
      maxLogit = Math.max(maxLogit, Math.abs(t.value()));
    }
    for (TokenValue t : bottom) {
      maxLogit = Math.max(maxLogit, Math.abs(t.value()));
    }
    meta.varint(top.size());
    meta.varint(bottom.size());
    for (List<TokenValue> list : List.of(top, bottom)) {
      for (TokenValue t : list) {
        int shade = maxLogit > 0 ? (int) Math.ceil(FeaturePage.SHADES * Math.abs(t.value()) / maxLogit) : 0;
        meta.z(Dec3.of(t.value()));
        meta.put(Math.min(Math.max(shade, 0), FeaturePage.SHADES));
        id(ids, t.token());
      }
    }

    List<List<UnitScore>> tables = new ArrayList<>();
    tables.add(f.neuronAlignment());
    tables.add(f.correlatedNeurons());
    if (f.correlatedFeaturesB() != null) {
      tables.add(f.correlatedFeaturesB());
    }
    meta.varint(tables.size());
    for (int k = 0; k < tables.size(); k++) {
      List<UnitScore> rows = tables.get(k) == null ? List.of() : tables.get(k);
      meta.varint(rows.size());
      for (UnitScore s : rows) {
        meta.varint(s.unit());
        meta.z(Dec3.of(s.a()));
        meta.z(Dec3.of(k == 0 ? s.b() * 100.0 : s.b()));
      }
    }

    double[] lTop = logitValues(top);
    double[] lBottom = logitValues(bottom);
    List<Integer> defaultTop = ids(top.subList(0, Math.min(DEFAULT_IDS, top.size())));
    List<Integer> defaultBottom = ids(bottom.subList(0, Math.min(DEFAULT_IDS, bottom.size())));
    double maxLoss = maxAbsLoss(groups);
    double shownMax = Dec3.of(f.maxAct()).value();
    double shownMaxLoss = maxAbsShownLoss(groups);
    meta.varint(groups.size());
    for (FeaturePage.GroupSource g : groups) {
      boolean interval = g.interval() != null;
      meta.put(interval ? 1 : 0);
      if (interval) {
        meta.z(Dec3.of(g.interval().lo()));
        meta.z(Dec3.of(g.interval().hi()));
        meta.z(Dec3.of(g.interval().fraction() * 100.0));
      }
      meta.varint(g.examples().size());
      for (Example e : g.examples()) {
        int n = e.tokens().size();
        int centre = e.pos() - e.start();
        boolean hasCentre = centre >= 0 && centre < n;
        Dec3 label = Dec3.of(e.act());
        boolean same = hasCentre && label.equals(Dec3.of(e.acts().get(centre)).finiteOrZero());
        meta.varint(e.seq());
        meta.varint(e.start());
        meta.varint(n);
        meta.varint((hasCentre ? centre + 1 : 0) * 2L + (same ? 0 : 1));
        if (!same) {
          meta.z(label);
        }
        for (int q = 0; q < n; q++) {
          token(e, q, f.maxAct(), maxLoss, shownMax, shownMaxLoss, lTop, lBottom, defaultTop, defaultBottom);
        }
      }
    }
    similar(f);
  }

  /**
   * The similar-features tables, after everything else in meta (absent in the data of format-1 records): their
   * count (0, 1 = same SAE, 2 = same SAE and encoder B), then per table its rows, each a feature as the
   * zigzag difference from the previous row's (the page's own index before the first) and a cosine.
   */
  private void similar(FeatureRecord f) {
    if (f.similarFeatures() == null) {
      return;
    }
    List<List<FeatureCosine>> tables = new ArrayList<>();
    tables.add(f.similarFeatures());
    if (f.similarFeaturesB() != null) {
      tables.add(f.similarFeaturesB());
    }
    meta.varint(tables.size());
    for (List<FeatureCosine> rows : tables) {
      meta.varint(rows.size());
      long previous = f.index();
      for (FeatureCosine c : rows) {
        long d = c.feature() - previous;
        meta.varint(d >= 0 ? 2 * d : -2 * d - 1);
        meta.z(Dec3.of(c.cosine()));
        previous = c.feature();
      }
    }
  }

  private void token(Example e, int q, double maxAct, double maxLoss, double shownMax, double shownMaxLoss,
      double[] lTop, double[] lBottom, List<Integer> defaultTop, List<Integer> defaultBottom) {
    id(tok, e.tokens().get(q));
    double a = e.acts().get(q);
    int shade = 0;
    if (a > 0 && maxAct > 0) {
      shade = Math.min(FeaturePage.SHADES, Math.max(1, (int) Math.ceil(FeaturePage.SHADES * a / maxAct)));
    }
    Double loss = e.lossEffect().get(q);
    int under = 0;
    if (loss != null && loss != 0.0 && maxLoss > 0) {
      under = Math.min(FeaturePage.UNDERLINES, Math.max(1, (int) Math.ceil(FeaturePage.UNDERLINES * Math.abs(loss) / maxLoss)));
      under = loss > 0 ? under : -under;
    }
    Dec3 act = Dec3.of(a).finiteOrZero();
    Double usual = e.start() + q == 0 ? null : 0.0;
    int lossState = Objects.equals(loss, usual) ? 0 : loss == null ? 2 : 1;
    double shownLoss = lossState == 1 ? Dec3.of(loss).finiteOrZero().value() : 0.0;
    cls.put(Math.floorMod(classCode(shade, under) - predictedClass(act.value(), shownMax, shownLoss, shownMaxLoss), 77));
    List<TokenValue> top = e.topLogprob().get(q);
    List<TokenValue> bottom = e.bottomLogprob().get(q);
    boolean hasLp = !top.isEmpty() || !bottom.isEmpty();
    boolean custom = hasLp && (!ids(top).equals(defaultTop) || !ids(bottom).equals(defaultBottom));
    row.put((act.kind() != Dec3.ZERO ? 1 : 0) | lossState << 1 | (hasLp ? 8 : 0) | (custom ? 16 : 0));
    if (act.kind() != Dec3.ZERO) {
      num.z(act);
    }
    if (lossState == 1) {
      num.z(Dec3.of(loss).finiteOrZero());
    }
    if (!hasLp) {
      return;
    }
    lp.varint(top.size());
    lp.varint(bottom.size());
    if (custom) {
      top.forEach(t -> id(ids, t.token()));
      bottom.forEach(t -> id(ids, t.token()));
    }
    Dec3[] t = values(top);
    Dec3[] b = values(bottom);
    predictAndWrite(act.value(), t, b, custom ? new double[0] : lTop, custom ? new double[0] : lBottom);
  }

  /**
   * Writes the residuals {@code mono(value) − mono(prediction)} in the order t[0], b[0], t[1..], b[1..]. With
   * logit values {@code lt}, {@code lb} (empty for a position whose tokens are not the defaults): t[0] and b[0]
   * are predicted as act × the first logit value, the rest as {@code k·logit + c} through t[0] and b[0]
   * (or as the previous value of the list where there is no logit value or no line).
   */
  private void predictAndWrite(double act, Dec3[] t, Dec3[] b, double[] lt, double[] lb) {
    double t0 = 0;
    double b0 = 0;
    if (t.length > 0) {
      residual(t[0], lt.length > 0 ? act * lt[0] : 0.0);
      t0 = t[0].value();
    }
    if (b.length > 0) {
      residual(b[0], lb.length > 0 ? act * lb[0] : 0.0);
      b0 = b[0].value();
    }
    boolean line = t.length > 0 && b.length > 0 && lt.length > 0 && lb.length > 0 && lt[0] - lb[0] != 0.0;
    double k = line ? (t0 - b0) / (lt[0] - lb[0]) : 0.0;
    double c = line ? t0 - k * lt[0] : 0.0;
    double prev = t0;
    for (int j = 1; j < t.length; j++) {
      residual(t[j], line && j < lt.length ? k * lt[j] + c : prev);
      prev = t[j].value();
    }
    prev = b0;
    for (int j = 1; j < b.length; j++) {
      residual(b[j], line && j < lb.length ? k * lb[j] + c : prev);
      prev = b[j].value();
    }
  }

  static int classCode(int shade, int under) {
    return shade * 7 + under + 3;
  }

  /**
   * The class code the script predicts from the shown (3-digit) activation and loss effect, relative to the
   * shown max activation and the largest shown |loss effect| of the page; the page data stores the
   * difference from the true class (computed on the exact values), which is nearly always 0.
   */
  static int predictedClass(double act, double maxAct, double loss, double maxLoss) {
    int shade = 0;
    if (act > 0 && maxAct > 0) {
      shade = Math.min(FeaturePage.SHADES, Math.max(1, (int) Math.ceil(FeaturePage.SHADES * act / maxAct)));
    }
    int under = 0;
    if (loss != 0.0 && maxLoss > 0) {
      under = Math.min(FeaturePage.UNDERLINES, Math.max(1, (int) Math.ceil(FeaturePage.UNDERLINES * Math.abs(loss) / maxLoss)));
      under = loss > 0 ? under : -under;
    }
    return classCode(shade, under);
  }

  private void residual(Dec3 value, double prediction) {
    lp.varint(Dec3.zigzag(value.mono() - Dec3.ofPrediction(prediction).mono()));
  }

  private void histogram(Histogram h, boolean signed) {
    if (h == null || h.isEmpty() || h.edges().size() != h.counts().size() + 1) {
      meta.varint(0);
      return;
    }
    int n = h.counts().size();
    meta.varint(n);
    for (long c : h.counts()) {
      meta.varint(Math.max(c, 0));
    }
    meta.z(Dec3.of(h.edges().get(0)));
    meta.z(Dec3.of(h.edges().get(n)));
    if (signed) {
      for (int i = 0; i < n; i++) {
        meta.put((h.edges().get(i) + h.edges().get(i + 1)) / 2 < 0 ? 1 : 0);
      }
    }
  }

  private static double maxAbsLoss(List<FeaturePage.GroupSource> groups) {
    double m = 0;
    for (FeaturePage.GroupSource g : groups) {
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

  /** The largest |loss effect| as the page shows it (3 digits; null and the usual 0 count as 0). */
  private static double maxAbsShownLoss(List<FeaturePage.GroupSource> groups) {
    double m = 0;
    for (FeaturePage.GroupSource g : groups) {
      for (Example e : g.examples()) {
        for (Double l : e.lossEffect()) {
          if (l != null) {
            m = Math.max(m, Math.abs(Dec3.of(l).finiteOrZero().value()));
          }
        }
      }
    }
    return m;
  }

  private static double[] logitValues(List<TokenValue> logits) {
    int n = Math.min(DEFAULT_IDS, logits.size());
    double[] out = new double[n];
    for (int j = 0; j < n; j++) {
      out[j] = Dec3.of(logits.get(j).value()).value();
    }
    return out;
  }

  private static Dec3[] values(List<TokenValue> values) {
    Dec3[] out = new Dec3[values.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = Dec3.of(values.get(j).value()).finiteOrZero();
    }
    return out;
  }

  private static List<Integer> ids(List<TokenValue> values) {
    List<Integer> out = new ArrayList<>(values.size());
    for (TokenValue t : values) {
      out.add(t.token());
    }
    return out;
  }

  private void id(Buf b, int id) {
    if (idWidth == 3) {
      b.put(id >>> 16);
    }
    b.put(id >>> 8);
    b.put(id);
  }

  /** A growing byte buffer with unsigned LEB128 varints. */
  static final class Buf extends ByteArrayOutputStream {
    void put(int b) {
      write(b & 0xFF);
    }

    void varint(long v) {
      if (v < 0) {
        throw new IllegalArgumentException("negative varint " + v);
      }
      while (v >= 0x80) {
        write((int) (v & 0x7F) | 0x80);
        v >>>= 7;
      }
      write((int) v);
    }

    void z(Dec3 d) {
      varint(d.z());
    }

    void writeTo(ByteArrayOutputStream out) {
      out.write(buf, 0, count);
    }
  }
}
