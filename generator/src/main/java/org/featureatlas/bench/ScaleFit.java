package org.featureatlas.bench;

import org.featureatlas.check.Check;

/**
 * The extrapolation model of {@code make bench-scale}, for one measured quantity (a stage's seconds or
 * the peak resident memory): {@code y(F, N) = (p + q F) * (1 - rho + rho N / n0)}. {@code p} and
 * {@code q} are a least-squares line over the feature sweep (features {@code F}, all at {@code n0}
 * tokens); {@code rho} is the share of the quantity that grows with the number of tokens, read from one
 * run at more tokens and clamped to [0, 1] (1 when there is no such run: all of it grows). An
 * approximation for a printed estimate, never a measurement.
 */
final class ScaleFit {
  private final double p;
  private final double q;
  private final double rho;
  private final double n0;

  private ScaleFit(double p, double q, double rho, double n0) {
    this.p = p;
    this.q = q;
    this.rho = rho;
    this.n0 = n0;
  }

  /**
   * Fits the sweep {@code (features[i], values[i])} at {@code n0} tokens, and {@code rho} from
   * {@code tokenValue} measured at {@code tokenFeatures} features and {@code tokenTokens} tokens
   * ({@code Double.NaN} when there is no such run).
   */
  static ScaleFit fit(double[] features, double[] values, double n0, double tokenFeatures, double tokenTokens,
      double tokenValue) {
    Check.that(features.length == values.length && features.length >= 1, "sweep needs at least one point");
    Check.that(n0 > 0, "tokens must be positive");
    int n = features.length;
    double mf = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mf += features[i] / n;
      my += values[i] / n;
    }
    double sff = 0;
    double sfy = 0;
    for (int i = 0; i < n; i++) {
      sff += (features[i] - mf) * (features[i] - mf);
      sfy += (features[i] - mf) * (values[i] - my);
    }
    // One distinct feature count: no slope can be read, so the quantity is taken as proportional to F.
    double q = sff > 0 ? sfy / sff : my / mf;
    double p = sff > 0 ? my - q * mf : 0;
    double rho = 1;
    if (!Double.isNaN(tokenValue) && tokenTokens != n0) {
      double atN0 = p + q * tokenFeatures;
      if (atN0 > 0) {
        rho = Math.max(0, Math.min(1, (tokenValue / atN0 - 1) / (tokenTokens / n0 - 1)));
      }
    }
    return new ScaleFit(p, q, rho, n0);
  }

  /** The estimate at {@code features} features and {@code tokens} tokens (never negative). */
  double predict(double features, double tokens) {
    return Math.max(0, p + q * features) * (1 - rho + rho * tokens / n0);
  }

  double intercept() {
    return p;
  }

  double slope() {
    return q;
  }

  /** The share of the quantity that grows with the number of tokens, in [0, 1]. */
  double tokenShare() {
    return rho;
  }
}
