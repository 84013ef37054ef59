package org.featureatlas.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonRoundTest {
  private static final MathContext SIX = new MathContext(Json.SIGNIFICANT_DIGITS, RoundingMode.HALF_EVEN);

  /** The definition: the exact binary value rounded half-even to six significant digits. */
  private static double reference(double x) {
    return x == 0 ? 0.0 : new BigDecimal(x).round(SIX).doubleValue();
  }

  @Test
  void matchesBigDecimalRoundingAcrossMagnitudes() {
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 200_000; i++) {
      double x = (r.nextBoolean() ? 1 : -1) * r.nextDouble() * Math.pow(10, r.nextInt(-40, 40));
      assertEquals(reference(x), Json.round(x), "x=" + x);
    }
  }

  @Test
  void decadesAndShortDecimalsAreExact() {
    double[] cases = {1, 10, 100, 0.1, 0.01, 1e-5, 9.999995, 9.999994, 99999.95, 0.1234565, 123456.5, 1234567,
        -0.000999999, 1e21, 1e22, 1e23, 3e-300, Double.MIN_VALUE, Double.MAX_VALUE, 0.3, 2.5e-7};
    for (double x : cases) {
      assertEquals(reference(x), Json.round(x), "x=" + x);
      assertEquals(reference(-x), Json.round(-x), "x=" + -x);
    }
    assertEquals(0.0, Json.round(-0.0));
  }
}
