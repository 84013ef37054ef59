package org.featureatlas.render;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A second reading of a feature page's data (docs/site.md, "Page data"), written from the format's
 * description for the tests: numbers come back as the exact decimals the page shows.
 */
final class PageDataReader {
  private static final Pattern DATA = Pattern.compile(
      "<script type=\"application/json\" id=\"data\">\"([^\"<]*)\"</script>");

  record Token(int id, String cls, BigDecimal act, BigDecimal loss, boolean nullLoss, List<BigDecimal> top,
      List<BigDecimal> bottom, List<Integer> topIds, List<Integer> bottomIds) {}

  record Ex(int seq, int start, int centre, BigDecimal label, List<Token> tokens) {}

  record Row(int id, BigDecimal value, int shade) {}

  record Page(BigDecimal densityPercent, BigDecimal max, BigDecimal mean, List<Long> actCounts,
      List<Long> logitCounts, List<Row> top, List<Row> bottom, List<List<BigDecimal[]>> tables, List<Ex> examples,
      List<List<BigDecimal[]>> similar) {}

  private final byte[] b;
  private int p;

  private PageDataReader(byte[] b, int p) {
    this.b = b;
    this.p = p;
  }

  /** The base 91 text of a page's data block. */
  static String text(String html) {
    Matcher m = DATA.matcher(html);
    if (!m.find()) {
      throw new AssertionError("no page data block");
    }
    return m.group(1);
  }

  /**
   * basE91 as docs/site.md describes it: digits in pairs, low digit first, each pair a value v < 8281 that
   * gives 13 bits (v & 8191 > 88) or 14, least significant bits first; a lone last digit gives the last byte.
   * The alphabet: '!' to '~' without '"', '\\' and '<'.
   */
  static byte[] base91(String s) {
    StringBuilder alphabet = new StringBuilder();
    for (char c = 33; c < 127; c++) {
      if ("\"\\<".indexOf(c) < 0) {
        alphabet.append(c);
      }
    }
    if (alphabet.length() != 91) {
      throw new AssertionError("alphabet of " + alphabet.length());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long bits = 0;
    int count = 0;
    for (int i = 0; i < s.length(); i += 2) {
      int lo = alphabet.indexOf(String.valueOf(s.charAt(i)));
      if (lo < 0) {
        throw new AssertionError("not base 91: " + s.charAt(i));
      }
      if (i + 1 == s.length()) {
        bits |= (long) lo << count;
        out.write((int) (bits & 0xFF));
        return out.toByteArray();
      }
      int hi = alphabet.indexOf(String.valueOf(s.charAt(i + 1)));
      if (hi < 0) {
        throw new AssertionError("not base 91: " + s.charAt(i + 1));
      }
      int v = lo + 91 * hi;
      bits |= (long) v << count;
      count += (v & 8191) > 88 ? 13 : 14;
      while (count >= 8) {
        out.write((int) (bits & 0xFF));
        bits >>>= 8;
        count -= 8;
      }
    }
    return out.toByteArray();
  }

  static Page read(String html) {
    byte[] raw = inflate(base91(text(html)));
    if (raw[0] != 1) {
      throw new AssertionError("version " + raw[0]);
    }
    int width = raw[1] == 1 ? 3 : 2;
    PageDataReader at = new PageDataReader(raw, 2);
    PageDataReader[] s = new PageDataReader[7];
    int[] ends = new int[7];
    for (int k = 0; k < 7; k++) {
      int n = (int) at.varint();
      s[k] = new PageDataReader(raw, at.p);
      ends[k] = at.p + n;
      at.p += n;
    }
    PageDataReader meta = s[0];
    PageDataReader tok = s[1];
    PageDataReader row = s[3];
    PageDataReader num = s[4];
    PageDataReader lp = s[5];
    PageDataReader ids = s[6];
    BigDecimal density = meta.dec();
    BigDecimal max = meta.dec();
    BigDecimal mean = meta.dec();
    List<Long> act = meta.histogram(false);
    List<Long> logit = meta.histogram(true);
    int nt = (int) meta.varint();
    int nb = (int) meta.varint();
    List<Row> top = new ArrayList<>();
    List<Row> bottom = new ArrayList<>();
    for (int k = 0; k < nt + nb; k++) {
      BigDecimal v = meta.dec();
      int shade = meta.b[meta.p++];
      (k < nt ? top : bottom).add(new Row(ids.id(width), v, shade));
    }
    List<List<BigDecimal[]>> tables = new ArrayList<>();
    for (long t = meta.varint(); t > 0; t--) {
      List<BigDecimal[]> rows = new ArrayList<>();
      for (long r = meta.varint(); r > 0; r--) {
        rows.add(new BigDecimal[] {BigDecimal.valueOf(meta.varint()), meta.dec(), meta.dec()});
      }
      tables.add(rows);
    }
    List<Ex> examples = new ArrayList<>();
    for (long g = meta.varint(); g > 0; g--) {
      if (meta.b[meta.p++] == 1) {
        meta.dec();
        meta.dec();
        meta.dec();
      }
      for (long e = meta.varint(); e > 0; e--) {
        int seq = (int) meta.varint();
        int start = (int) meta.varint();
        int n = (int) meta.varint();
        long c = meta.varint();
        BigDecimal label = c % 2 == 1 ? meta.dec() : null;
        List<Token> tokens = new ArrayList<>();
        for (int q = 0; q < n; q++) {
          int id = tok.id(width);
          int flags = row.b[row.p++];
          BigDecimal a = (flags & 1) != 0 ? num.dec() : BigDecimal.ZERO;
          int lossState = flags >> 1 & 3;
          boolean nullLoss = lossState == 2 || lossState == 0 && start + q == 0;
          BigDecimal loss = lossState == 1 ? num.dec() : BigDecimal.ZERO;
          List<BigDecimal> tv = new ArrayList<>();
          List<BigDecimal> bv = new ArrayList<>();
          List<Integer> ti = new ArrayList<>();
          List<Integer> bi = new ArrayList<>();
          if ((flags & 8) != 0) {
            int lt = (int) lp.varint();
            int lb = (int) lp.varint();
            boolean custom = (flags & 16) != 0;
            for (int j = 0; custom && j < lt; j++) {
              ti.add(ids.id(width));
            }
            for (int j = 0; custom && j < lb; j++) {
              bi.add(ids.id(width));
            }
            if (!custom) {
              top.stream().limit(lt).forEach(r -> ti.add(r.id()));
              bottom.stream().limit(lb).forEach(r -> bi.add(r.id()));
            }
            double[] lTop = custom ? new double[0] : top.stream().limit(5).mapToDouble(r -> r.value().doubleValue()).toArray();
            double[] lBottom = custom ? new double[0] : bottom.stream().limit(5).mapToDouble(r -> r.value().doubleValue()).toArray();
            lp.values(a.doubleValue(), lt, lb, lTop, lBottom, tv, bv);
          }
          tokens.add(new Token(id, null, a, loss, nullLoss, tv, bv, ti, bi));
        }
        examples.add(new Ex(seq, start, (int) (c / 2) - 1, label, tokens));
      }
    }
    // The similar-features tables close meta (none in pages of format-1 data): features as zigzag differences.
    List<List<BigDecimal[]>> similar = new ArrayList<>();
    int self = Integer.parseInt(html.replaceFirst("(?s).*id=\"grid\" data-index=\"([0-9]+)\".*", "$1"));
    for (long t = meta.p < ends[0] ? meta.varint() : 0; t > 0; t--) {
      List<BigDecimal[]> rows = new ArrayList<>();
      long previous = self;
      for (long r = meta.varint(); r > 0; r--) {
        long z = meta.varint();
        previous += (z & 1) == 0 ? z >>> 1 : -((z + 1) >>> 1);
        rows.add(new BigDecimal[] {BigDecimal.valueOf(previous), meta.dec()});
      }
      similar.add(rows);
    }
    if (meta.p != ends[0]) {
      throw new AssertionError("meta has " + (ends[0] - meta.p) + " bytes left over");
    }
    return new Page(density, max, mean, act, logit, top, bottom, tables, examples, similar);
  }

  /** Residuals against the direct-path prediction (see PageData), decoded with BigDecimal rounding. */
  private void values(double act, int nt, int nb, double[] lt, double[] lb, List<BigDecimal> t, List<BigDecimal> b) {
    if (nt > 0) {
      t.add(next(lt.length > 0 ? act * lt[0] : 0));
    }
    if (nb > 0) {
      b.add(next(lb.length > 0 ? act * lb[0] : 0));
    }
    double t0 = nt > 0 ? t.get(0).doubleValue() : 0;
    double b0 = nb > 0 ? b.get(0).doubleValue() : 0;
    boolean line = nt > 0 && nb > 0 && lt.length > 0 && lb.length > 0 && lt[0] - lb[0] != 0;
    double k = line ? (t0 - b0) / (lt[0] - lb[0]) : 0;
    double c = line ? t0 - k * lt[0] : 0;
    for (int j = 1; j < nt; j++) {
      t.add(next(line && j < lt.length ? k * lt[j] + c : t.get(j - 1).doubleValue()));
    }
    for (int j = 1; j < nb; j++) {
      b.add(next(line && j < lb.length ? k * lb[j] + c : b.get(j - 1).doubleValue()));
    }
  }

  private BigDecimal next(double prediction) {
    long z = varint();
    long r = z % 2 == 0 ? z / 2 : -(z + 1) / 2;
    long m = mono(prediction) + r;
    if (m == 0) {
      return BigDecimal.ZERO;
    }
    long a = Math.abs(m) - 1;
    BigDecimal v = BigDecimal.valueOf(a % 900 + 100).scaleByPowerOfTen((int) (a / 900) - 330);
    return m < 0 ? v.negate() : v;
  }

  /** mono of the prediction rounded half-up to 3 digits, computed from its BigDecimal. */
  private static long mono(double v) {
    if (!Double.isFinite(v) || v == 0) {
      return 0;
    }
    BigDecimal d = new BigDecimal(Math.abs(v)).round(new java.math.MathContext(3, java.math.RoundingMode.HALF_UP));
    int e = d.precision() - d.scale() - 1 - 2; // exponent of the last of 3 digits
    long u = d.movePointLeft(e).longValueExact();
    long m = (e + 330L) * 900 + (u - 100) + 1;
    return v < 0 ? -m : m;
  }

  private List<Long> histogram(boolean signed) {
    int n = (int) varint();
    List<Long> counts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      counts.add(varint());
    }
    if (n > 0) {
      dec();
      dec();
      p += signed ? n : 0;
    }
    return counts;
  }

  /** 0 zero, 1 not finite (null here), else 2 + 2·zigzag((e + 2)·900 + u − 100) + sign. */
  private BigDecimal dec() {
    long z = varint();
    if (z == 0) {
      return BigDecimal.ZERO;
    }
    if (z == 1) {
      return null;
    }
    boolean neg = (z - 2) % 2 == 1;
    long zz = (z - 2) / 2;
    long s = zz % 2 == 0 ? zz / 2 : -(zz + 1) / 2;
    long u = Math.floorMod(s, 900) + 100;
    long e = Math.floorDiv(s, 900) - 2;
    BigDecimal v = BigDecimal.valueOf(u).scaleByPowerOfTen((int) e);
    return neg ? v.negate() : v;
  }

  private long varint() {
    long v = 0;
    int shift = 0;
    while (true) {
      int x = b[p++] & 0xFF;
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
      shift += 7;
    }
  }

  private int id(int width) {
    int v = 0;
    for (int k = 0; k < width; k++) {
      v = v << 8 | (b[p++] & 0xFF);
    }
    return v;
  }

  private static byte[] inflate(byte[] deflated) {
    try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(deflated), new Inflater(true))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
