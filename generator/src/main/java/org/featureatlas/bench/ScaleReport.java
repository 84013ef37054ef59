package org.featureatlas.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The summary of {@code make bench-scale}: reads the {@code *.properties} that {@link GenerateBench}
 * wrote with {@code --results}, prints each run's time and peak resident memory, how both grow over
 * the feature sweep, and an extrapolation (clearly labelled as such) to a larger SAE and dataset by
 * {@link ScaleFit}, stage by stage.
 *
 * <p>Usage: {@code ScaleReport RESULTS_DIR [FEATURES [TOKENS]]} (default 1,048,576 features, 10,000,000 tokens).
 */
public final class ScaleReport {
  private ScaleReport() {}

  record Run(Properties p) {
    String label() {
      return p.getProperty("label");
    }

    long features() {
      return Long.parseLong(p.getProperty("features"));
    }

    long featuresB() {
      return Long.parseLong(p.getProperty("features_b", "0"));
    }

    long tokens() {
      return Long.parseLong(p.getProperty("tokens"));
    }

    boolean ok() {
      return "0".equals(p.getProperty("rc"));
    }

    double get(String key) {
      String v = p.getProperty(key);
      return v == null ? Double.NaN : Double.parseDouble(v);
    }

    double peakMiB() {
      double kb = get("peak_kb");
      return kb < 0 ? Double.NaN : kb / 1024;
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: ScaleReport RESULTS_DIR [FEATURES [TOKENS]]");
      System.exit(2);
    }
    double targetF = args.length > 1 ? Double.parseDouble(args[1]) : 1 << 20;
    double targetN = args.length > 2 ? Double.parseDouble(args[2]) : 10_000_000;
    List<Run> runs = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(args[0]))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".properties")).sorted().toList()) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
          p.load(in);
        }
        runs.add(new Run(p));
      }
    }
    runs.sort(Comparator.comparing(Run::featuresB).thenComparing(Run::tokens).thenComparing(Run::features));
    System.out.println();
    System.out.println("==== make bench-scale: measured ====");
    System.out.printf(Locale.ROOT, "%-22s %18s %10s %12s %14s %6s%n", "run", "features", "tokens", "seconds", "peak RSS MiB", "exit");
    for (Run r : runs) {
      System.out.printf(Locale.ROOT, "%-22s %18s %10d %12s %14s %6s%n", r.label(),
          r.features() + (r.featuresB() > 0 ? " + " + r.featuresB() : ""), r.tokens(),
          r.ok() ? String.format(Locale.ROOT, "%.1f", r.get("whole_seconds")) : "FAILED",
          Double.isNaN(r.peakMiB()) ? "unknown" : String.format(Locale.ROOT, "%.0f", r.peakMiB()), r.p().getProperty("rc"));
    }
    for (Run r : runs) {
      if (r.peakMiB() > 8192) System.out.println("  " + r.label() + ": peak above the 8 GiB target");
    }
    List<Run> single = runs.stream().filter(r -> r.featuresB() == 0).toList();
    if (single.isEmpty()) return;
    long n0 = single.stream().mapToLong(Run::tokens).min().orElseThrow();
    List<Run> sweep = single.stream().filter(r -> r.tokens() == n0 && r.ok()).toList();
    Run tokenRun = single.stream().filter(r -> r.tokens() > n0 && r.ok()).findFirst().orElse(null);
    System.out.println();
    System.out.printf(Locale.ROOT, "==== growth over the feature sweep (%d tokens) ====%n", n0);
    Set<String> stages = new LinkedHashSet<>();
    for (Run r : single) {
      for (String k : r.p().stringPropertyNames().stream().sorted().toList()) {
        if (k.startsWith("stage.")) stages.add(k);
      }
    }
    stages = orderedStages(single, stages);
    Run prev = null;
    for (Run r : sweep) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%8d features: %8.1f s, %7.0f MiB", r.features(),
          r.get("whole_seconds"), r.peakMiB()));
      if (prev != null) {
        line.append(String.format(Locale.ROOT, "  (x%.2f features -> x%.2f time, x%.2f memory)",
            r.features() / (double) prev.features(), r.get("whole_seconds") / prev.get("whole_seconds"), r.peakMiB() / prev.peakMiB()));
      }
      System.out.println(line);
      StringBuilder st = new StringBuilder("          ");
      for (String s : stages) {
        st.append(String.format(Locale.ROOT, " %s %.1f s;", s.substring("stage.".length()), r.get(s)));
      }
      System.out.println(st);
      prev = r;
    }
    if (sweep.size() < 2) {
      System.out.println("extrapolation: needs at least two successful sweep runs at " + n0 + " tokens; none printed.");
      return;
    }
    double[] f = sweep.stream().mapToDouble(Run::features).toArray();
    Run any = sweep.get(0);
    System.out.println();
    System.out.printf(Locale.ROOT, "==== EXTRAPOLATED, NOT MEASURED: %,.0f features over %,.0f tokens on this machine ====%n", targetF, targetN);
    System.out.printf(Locale.ROOT, "model per stage: seconds = (p + q * features^k) * (1 - r + r * tokens / %d): k the stage's cost law%n", n0);
    System.out.println("in features (2 for similar features, which compares every pair of decoder rows; 1 otherwise), p and q a");
    System.out.printf(Locale.ROOT, "least-squares line in features^k over the sweep, r the share that grows with tokens, %s%n",
        tokenRun == null ? "ASSUMED from each stage's cost law (no run at more tokens succeeded)" : "read from the " + tokenRun.label() + " run");
    double total = 0;
    for (String s : stages) {
      String name = s.substring("stage.".length());
      Law law = Law.of(name);
      double[] y = sweep.stream().mapToDouble(r -> orZero(r.get(s))).toArray();
      ScaleFit fit = tokenRun == null ? ScaleFit.fit(f, y, n0, law.power(), 0, 0, Double.NaN, law.tokenShare())
          : ScaleFit.fit(f, y, n0, law.power(), tokenRun.features(), tokenRun.tokens(), orZero(tokenRun.get(s)), law.tokenShare());
      double t = fit.predict(targetF, targetN);
      total += t;
      System.out.printf(Locale.ROOT, "  %-36s %12.0f s  (extrapolated; k %d, p %.2f s, q %.3g s/feature^k, r %.2f)%n", name, t,
          fit.power(), fit.intercept(), fit.slope(), fit.tokenShare());
    }
    double rate = any.get("matmul_flops_per_s");
    if (tokenRun == null && rate > 0) {
      // Pass C's logits product runs once per ablated row, and at the target nearly every token is one.
      double logits = targetN * 2 * any.get("d_model") * any.get("vocab") / rate;
      total += logits;
      System.out.printf(Locale.ROOT, "  %-36s %12.0f s  (extrapolated: every token's logits, 2 x d_model x vocab FLOP, at %.1f GFLOP/s)%n",
          "pass C: logits of the ablated rows", logits, rate / 1e9);
    }
    System.out.printf(Locale.ROOT, "  %-36s %12.0f s = %.1f h = %.1f days  (extrapolated)%n", "whole generation", total, total / 3600, total / 86400);
    String gen = any.p().getProperty("generate_args", "");
    double[] m = sweep.stream().mapToDouble(Run::peakMiB).toArray();
    // With a budget the peak does not grow with tokens (the cache is on disk, the sweeps are blocked): the
    // token run's few percent of difference are noise there, which N / N0 would multiply a thousandfold.
    boolean budgeted = gen.contains("--memory");
    ScaleFit mem = tokenRun == null || budgeted ? ScaleFit.fit(f, m, n0, 1, 0, 0, Double.NaN, budgeted ? 0 : 1)
        : ScaleFit.fit(f, m, n0, 1, tokenRun.features(), tokenRun.tokens(), tokenRun.peakMiB(), 1);
    System.out.printf(Locale.ROOT, "  %-36s %12.0f MiB  (extrapolated by the same model; q %.3g MiB/feature, r %.2f)%n", "peak resident memory",
        mem.predict(targetF, targetN), mem.slope(), mem.tokenShare());
    double vocab = any.get("vocab");
    double dModel = any.get("d_model");
    System.out.printf(Locale.ROOT, "  dense tables at that size, for scale (what a memory budget must block): ~v features x vocab x 4 B = %.0f GiB,%n",
        targetF * vocab * 4 / (1L << 30));
    System.out.printf(Locale.ROOT, "  neuron correlations features x d_in x 8 B = %.1f GiB, a same-size pair's correlation table features^2 = %.2g cells%n",
        targetF * dModel * 8 / (1L << 30), targetF * targetF);
    System.out.println("  a run that sweeps its cache once per block of features grows faster than linearly in features:");
    System.out.println("  compare the sweep's 'x time' to its 'x features' before trusting the line.");
    if (gen.contains("--memory")) {
      System.out.println("  generate ran with '" + gen + "': its peak follows that budget (docs/generation.md), so where the");
      System.out.println("  sweep's memory stays flat, that budget plus the JVM and libtorch is the better estimate.");
    }
  }

  /**
   * A stage's cost law: the power of the number of features its time grows with, and the share of it
   * that grows with the number of tokens when no run at more tokens says (from what the stage does:
   * docs/generation.md).
   */
  record Law(int power, double tokenShare) {
    static Law of(String stage) {
      if (stage.startsWith("similar features")) return new Law(2, 0); // every pair of decoder rows
      if (stage.startsWith("pass A") || stage.startsWith("pass B") || stage.startsWith("correlations")) {
        return new Law(1, 1); // a sweep over every token (pass B and correlations: of the cache)
      }
      if (stage.startsWith("pass C")) {
        return new Law(1, 0); // the ablations of the shown examples; its logits product is counted apart
      }
      if (stage.startsWith("load") || stage.startsWith("logit effects") || stage.startsWith("feature map")
          || stage.startsWith("write")) {
        return new Law(1, 0); // the SAE, W_dec W_U, the map's layout of the neighbour graph, the feature files
      }
      return new Law(1, 1); // an unknown stage: taken to grow with both
    }
  }

  private static double orZero(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  /** Stages in the order the first run printed them. */
  private static Set<String> orderedStages(List<Run> runs, Set<String> all) {
    return new LinkedHashSet<>(all.stream().sorted(Comparator.comparingInt(s -> order(runs, s))).toList());
  }

  private static int order(List<Run> runs, String stage) {
    String o = runs.get(0).p().getProperty("order." + stage);
    return o == null ? Integer.MAX_VALUE : Integer.parseInt(o);
  }
}
