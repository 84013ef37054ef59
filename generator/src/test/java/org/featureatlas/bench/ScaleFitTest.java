package org.featureatlas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void aQuadraticStageIsFittedInFeaturesSquared() {
    // Similar features compares every pair: y = 3 + 1e-8 F^2, not growing with tokens.
    double[] f = {32768, 65536, 131072};
    double[] y = new double[3];
    for (int i = 0; i < 3; i++) y[i] = 3 + 1e-8 * f[i] * f[i];
    ScaleFit fit = ScaleFit.fit(f, y, 8192, 2, 0, 0, Double.NaN, 0);
    assertEquals(2, fit.power());
    assertEquals(3, fit.intercept(), 1e-6);
    assertEquals(1e-8, fit.slope(), 1e-18);
    double big = 1 << 20;
    assertEquals(3 + 1e-8 * big * big, fit.predict(big, 10_000_000), 1e-6 * big * big * 1e-8);
    // A line in F would have predicted far less: the law matters.
    ScaleFit line = ScaleFit.fit(f, y, 8192, 1, 0, 0, Double.NaN, 0);
    assertTrue(line.predict(big, 8192) < 0.5 * fit.predict(big, 8192));
  }

  @Test
  void withoutATokenPointTheDefaultShareIsUsed() {
    ScaleFit none = ScaleFit.fit(new double[] {1000, 2000}, new double[] {3, 5}, 100, 1, 0, 0, Double.NaN, 0);
    assertEquals(0, none.tokenShare(), 0);
    assertEquals(none.predict(4000, 100), none.predict(4000, 1e6), 0);
    ScaleFit half = ScaleFit.fit(new double[] {1000, 2000}, new double[] {3, 5}, 100, 1, 0, 0, Double.NaN, 0.5);
    assertEquals(1.5 * half.predict(4000, 100), half.predict(4000, 200), 1e-12);
    // A measured token run overrides the default.
    ScaleFit measured = ScaleFit.fit(new double[] {1000, 2000}, new double[] {3, 5}, 100, 1, 1000, 200, 6, 0);
    assertEquals(1, measured.tokenShare(), 1e-12);
  }

  @Test
  void stageLawsFollowWhatEachStageDoes() {
    assertEquals(new ScaleReport.Law(2, 0), ScaleReport.Law.of("similar features"));
    assertEquals(new ScaleReport.Law(1, 1), ScaleReport.Law.of("pass A: model + SAE + statistics"));
    assertEquals(new ScaleReport.Law(1, 0), ScaleReport.Law.of("pass C: example windows"));
    assertEquals(new ScaleReport.Law(1, 0), ScaleReport.Law.of("logit effects"));
    assertEquals(new ScaleReport.Law(1, 0), ScaleReport.Law.of("feature map"));
    assertEquals(new ScaleReport.Law(1, 1), ScaleReport.Law.of("a stage added later"));
  }
}
