package org.featureatlas.render;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * A number as the page shows it: 3 significant digits, {@code ±u × 10^e} with {@code 100 ≤ u ≤ 999}, or
 * zero, or "not finite". Two integer codes carry it in the page data (see docs/site.md, "Page data"):
 * {@link #z} for a number on its own (small for numbers near 1) and {@link #mono}, which is monotone in
 * the value, for a number stored as the difference from a prediction. static/feature.js decodes both.
 */
record Dec3(int kind, boolean negative, int u, int e) {
  static final int ZERO = 0;
  static final int FINITE = 1;
  static final int NOT_FINITE = 2;
  /** Offset of the exponent in {@link #mono}: every double's exponent is at least -326. */
  static final int MONO_OFFSET = 330;

  static final Dec3 ZERO_VALUE = new Dec3(ZERO, false, 0, 0);

  /** {@code v} rounded half-even to 3 significant digits, as {@link Num#sig} and {@link Num#json} round. */
  static Dec3 of(double v) {
    return round(v, RoundingMode.HALF_EVEN);
  }

  /**
   * {@code v} rounded half-up (away from zero on a tie) to 3 significant digits: what JavaScript's
   * {@code Math.abs(v).toExponential(2)} gives, so a prediction is rounded alike on both sides.
   */
  static Dec3 ofPrediction(double v) {
    return Double.isFinite(v) ? round(v, RoundingMode.HALF_UP) : ZERO_VALUE;
  }

  private static Dec3 round(double v, RoundingMode mode) {
    if (!Double.isFinite(v)) {
      return new Dec3(NOT_FINITE, false, 0, 0);
    }
    if (v == 0.0) {
      return ZERO_VALUE;
    }
    BigDecimal d = new BigDecimal(Math.abs(v)).round(new MathContext(3, mode));
    long u = d.unscaledValue().longValueExact();
    int e = -d.scale();
    while (u >= 1000) {
      u /= 10;
      e++;
    }
    while (u < 100) {
      u *= 10;
      e--;
    }
    return new Dec3(FINITE, v < 0, (int) u, e);
  }

  /** The double nearest to the decimal (both Java and JavaScript parse a decimal string correctly rounded). */
  double value() {
    if (kind != FINITE) {
      return 0.0;
    }
    double a = Double.parseDouble(u + "e" + e);
    return negative ? -a : a;
  }

  /** Not finite counts as zero (the hover data never held one). */
  Dec3 finiteOrZero() {
    return kind == NOT_FINITE ? ZERO_VALUE : this;
  }

  /** 0 zero, 1 not finite, else {@code 2 + 2·zigzag((e + 2)·900 + u − 100) + (negative ? 1 : 0)}. */
  long z() {
    if (kind == ZERO) {
      return 0;
    }
    if (kind == NOT_FINITE) {
      return 1;
    }
    long s = (e + 2L) * 900 + (u - 100);
    return 2 + 2 * zigzag(s) + (negative ? 1 : 0);
  }

  /** 0 for zero, else {@code ±((e + 330)·900 + u − 100 + 1)}: monotone in the value. */
  long mono() {
    if (kind != FINITE) {
      return 0;
    }
    long m = (e + (long) MONO_OFFSET) * 900 + (u - 100) + 1;
    return negative ? -m : m;
  }

  static Dec3 fromMono(long m) {
    if (m == 0) {
      return ZERO_VALUE;
    }
    long a = Math.abs(m) - 1;
    return new Dec3(FINITE, m < 0, (int) (a % 900) + 100, (int) (a / 900) - MONO_OFFSET);
  }

  static long zigzag(long s) {
    return s >= 0 ? 2 * s : -2 * s - 1;
  }
}
