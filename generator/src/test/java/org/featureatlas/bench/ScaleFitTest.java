package org.featureatlas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScaleFitTest {
  private static double truth(double f, double n) {
    return (5 + 2e-3 * f) * (0.25 + 0.75 * n / 8192);
  }

  @Test
  void recoversLineAndTokenShareFromSweepAndOneTokenPoint() {
    double[] f = {32768, 65536, 131072};
    double[] y = {truth(32768, 8192), truth(65536, 8192), truth(131072, 8192)};
    ScaleFit fit = ScaleFit.fit(f, y, 8192, 32768, 32768, truth(32768, 32768));
    assertEquals(5, fit.intercept(), 1e-9);
    assertEquals(2e-3, fit.slope(), 1e-12);
    assertEquals(0.75, fit.tokenShare(), 1e-12);
    assertEquals(truth(1 << 20, 10_000_000), fit.predict(1 << 20, 10_000_000), 1e-6 * truth(1 << 20, 10_000_000));
  }

  @Test
  void withoutATokenPointAllOfTheQuantityGrowsWithTokens() {
    ScaleFit fit = ScaleFit.fit(new double[] {1000, 2000}, new double[] {3, 5}, 100, 0, 0, Double.NaN);
    assertEquals(1, fit.tokenShare(), 0);
    assertEquals(1 + 2e-3 * 4000, fit.predict(4000, 100), 1e-12);
    assertEquals(2 * (1 + 2e-3 * 4000), fit.predict(4000, 200), 1e-12);
  }

  @Test
  void tokenShareIsClampedAndPredictionsAreNeverNegative() {
    // A token run faster than the base run (noise) reads as no growth with tokens, not a negative one.
    ScaleFit fit = ScaleFit.fit(new double[] {1000, 2000}, new double[] {10, 5}, 100, 1000, 400, 9);
    assertEquals(0, fit.tokenShare(), 0);
    assertEquals(0, fit.predict(1e6, 1e7), 0);
    ScaleFit over = ScaleFit.fit(new double[] {1000, 2000}, new double[] {10, 20}, 100, 1000, 200, 50);
    assertEquals(1, over.tokenShare(), 0);
  }

  @Test
  void oneFeatureCountIsTakenAsProportionalToFeatures() {
    ScaleFit fit = ScaleFit.fit(new double[] {4096, 4096}, new double[] {8, 8}, 64, 0, 0, Double.NaN);
    assertEquals(16, fit.predict(8192, 64), 1e-12);
  }
}
