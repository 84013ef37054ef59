package org.featureatlas.bench;

import org.featureatlas.check.Check;

/**
 * The extrapolation model of {@code make bench-scale}, for one measured quantity (a stage's seconds or
 * the peak resident memory): {@code y(F, N) = (p + q F^k) * (1 - rho + rho N / n0)}. {@code k} is the
 * stage's cost law in features (1, or 2 for a stage that compares every pair of features); {@code p} and
 * {@code q} are a least-squares line in {@code F^k} over the feature sweep (features {@code F}, all at
 * {@code n0} tokens); {@code rho} is the share of the quantity that grows with the number of tokens, read
 * from one run at more tokens and clamped to [0, 1], or the caller's default when there is no such run.
 * An approximation for a printed estimate, never a measurement.
 */
final class ScaleFit {
  private final double p;
  private final double q;
  private final double rho;
  private final double n0;
  private final int power;

  private ScaleFit(double p, double q, double rho, double n0, int power) {
    this.p = p;
    this.q = q;
    this.rho = rho;
    this.n0 = n0;
    this.power = power;
  }

  /** {@link #fit(double[], double[], double, int, double, double, double, double)} with k = 1 and default share 1. */
  static ScaleFit fit(double[] features, double[] values, double n0, double tokenFeatures, double tokenTokens,
      double tokenValue) {
    return fit(features, values, n0, 1, tokenFeatures, tokenTokens, tokenValue, 1);
  }

  /**
   * Fits the sweep {@code (features[i], values[i])} at {@code n0} tokens, and {@code rho} from
   * {@code tokenValue} measured at {@code tokenFeatures} features and {@code tokenTokens} tokens
   * ({@code Double.NaN} when there is no such run: then {@code rho = defaultShare}), with the cost law
   * {@code F^power}.
   */
  static ScaleFit fit(double[] features, double[] values, double n0, int power, double tokenFeatures, double tokenTokens,
      double tokenValue, double defaultShare) {
    Check.that(features.length == values.length && features.length >= 1, "sweep needs at least one point");
    Check.that(n0 > 0, "tokens must be positive");
    Check.that(power == 1 || power == 2, "power must be 1 or 2");
    Check.that(defaultShare >= 0 && defaultShare <= 1, "default token share must be in [0, 1]");
    int n = features.length;
    double mf = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mf += Math.pow(features[i], power) / n;
      my += values[i] / n;
    }
    double sff = 0;
    double sfy = 0;
    for (int i = 0; i < n; i++) {
      double x = Math.pow(features[i], power);
      sff += (x - mf) * (x - mf);
      sfy += (x - mf) * (values[i] - my);
    }
    // One distinct feature count: no slope can be read, so the quantity is taken as proportional to F.
    double q = sff > 0 ? sfy / sff : my / mf;
    double p = sff > 0 ? my - q * mf : 0;
    double rho = defaultShare;
    if (!Double.isNaN(tokenValue) && tokenTokens != n0) {
      double atN0 = p + q * Math.pow(tokenFeatures, power);
      if (atN0 > 0) {
        rho = Math.max(0, Math.min(1, (tokenValue / atN0 - 1) / (tokenTokens / n0 - 1)));
      }
    }
    return new ScaleFit(p, q, rho, n0, power);
  }

  /** The estimate at {@code features} features and {@code tokens} tokens (never negative). */
  double predict(double features, double tokens) {
    return Math.max(0, p + q * Math.pow(features, power)) * (1 - rho + rho * tokens / n0);
  }

  double intercept() {
    return p;
  }

  double slope() {
    return q;
  }

  /** The cost law's power of the number of features. */
  int power() {
    return power;
  }

  /** The share of the quantity that grows with the number of tokens, in [0, 1]. */
  double tokenShare() {
    return rho;
  }
}
