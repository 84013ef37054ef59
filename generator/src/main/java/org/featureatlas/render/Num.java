package org.featureatlas.render;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** Number formatting for pages: fixed significant digits, locale-independent, never "NaN". */
final class Num {
  private Num() {}

  /** {@code v} to {@code digits} significant digits, plain for 1e-4 ≤ |v| < 1e6, else "1.23e-5". */
  static String sig(double v, int digits) {
    if (!Double.isFinite(v)) {
      return "–";
    }
    if (v == 0.0) {
      return "0";
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    double a = Math.abs(d.doubleValue());
    if (a >= 1e-4 && a < 1e6) {
      return d.toPlainString();
    }
    String s = String.format(Locale.ROOT, "%." + (digits - 1) + "e", d.doubleValue());
    int e = s.indexOf('e');
    String mant = s.substring(0, e);
    if (mant.contains(".")) {
      mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    int exp = Integer.parseInt(s.substring(e + 1));
    return mant + "e" + exp;
  }

  /** {@code v} rounded to {@code digits} significant digits, as a number for JSON. */
  static BigDecimal json(double v, int digits) {
    if (!Double.isFinite(v) || v == 0.0) {
      return BigDecimal.ZERO;
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }

  /** A fraction as a percentage with 3 significant digits: 0.0123 → "1.23%". */
  static String percent(double fraction) {
    return sig(fraction * 100.0, 3) + "%";
  }

  /** A coordinate for SVG: one decimal, no trailing ".0". */
  static String coord(double v) {
    long tenths = Math.round(v * 10.0);
    return tenths % 10 == 0 ? Long.toString(tenths / 10) : String.format(Locale.ROOT, "%.1f", tenths / 10.0);
  }
}
