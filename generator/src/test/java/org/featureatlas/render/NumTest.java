package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NumTest {
  @Test
  void significantDigits() {
    assertEquals("4.56", Num.sig(4.5649, 3));
    assertEquals("0.0123", Num.sig(0.012345, 3));
    assertEquals("-1.2", Num.sig(-1.2, 3));
    assertEquals("0", Num.sig(0.0, 3));
    assertEquals("1.23e-5", Num.sig(0.0000123, 3));
    assertEquals("1.5e6", Num.sig(1_500_000, 3));
    assertEquals("–", Num.sig(Double.NaN, 3));
  }

  @Test
  void percentAndJsonAndCoordinates() {
    assertEquals("1.23%", Num.percent(0.0123));
    assertEquals("0%", Num.percent(0));
    assertEquals("0.00856", Num.json(0.0085612, 3).toString());
    assertEquals("1200", Num.json(1234.5, 2).toString());
    assertEquals("7.5", Num.coord(7.5));
    assertEquals("80", Num.coord(80.0));
  }
}
