package org.featureatlas.render.synthetic;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureCosine;
import org.featureatlas.data.FeatureMap;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.MapPoint;
import org.featureatlas.data.Histogram;
import org.featureatlas.data.Identity;
import org.featureatlas.data.Interval;
import org.featureatlas.data.Logits;
import org.featureatlas.data.Manifest;
import org.featureatlas.data.TokenValue;
import org.featureatlas.data.UnitScore;

/**
 * Builds plausible feature records deterministically: record {@code i} depends only on the spec and
 * {@code i}. About 4% of features are dead. Windows are 11 tokens (5 either side, clipped at the
 * sequence start); activations are sparse (the example token plus about a fifth of its neighbours);
 * log-prob changes exist exactly where the activation is positive; the loss effect is null at
 * sequence position 0 and zero after an inactive position.
 */
public final class SyntheticData {
  public static final int SEQ_LEN = 128;
  public static final int N_SEQUENCES = 4096;
  public static final int WINDOW = 5;
  public static final int TOP = 20;
  public static final int INTERVALS = 10;
  public static final int PER_INTERVAL = 5;
  public static final int D_MLP = 3072;

  /** Display strings that must show literally and run nothing. */
  public static final List<String> HOSTILE = List.of(
      "<script>alert('t0')</script>",
      "</script><script>alert(\"t1\")</script>",
      "\"'><img src=x onerror=alert(2)>",
      "{{ 7*7 }}",
      "{% if true %}x{% endif %}",
      "line\u2028sep\u2029para",
      "\u202Edesrever",
      "\u200Frtl",
      "\uD83D\uDE00 emoji",
      "new\nline",
      "&amp; &lt;",
      "<!-- -->",
      "javascript:alert(5)",
      "\u0000nul\u0007",
      "  two spaces");

  private static final String[] SYLLABLES = {
      "the", "ing", "ion", "er", "an", "re", "on", "at", "en", "nd", "ti", "es", "or", "te", "of", "ed",
      "is", "it", "al", "ar", "st", "to", "nt", "ng", "se", "ha", "as", "ou", "io", "le", "ve", "co",
      "me", "de", "hi", "ri", "ro", "ic", "ne", "ea", "ra", "ce", "li", "ch", "ll", "be", "ma", "si"};

  private SyntheticData() {}

  /** Writes a complete data directory for {@code spec} into {@code dir}. */
  public static void write(Path dir, SyntheticSpec spec) {
    DataDir.write(dir, manifest(spec), vocab(spec), features(spec));
    try {
      FeatureMap.write(dir, map(spec));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Clusters of the synthetic map. */
  static final int MAP_CLUSTERS = 48;

  /**
   * A feature map for {@code spec}: the live features in {@value #MAP_CLUSTERS} Gaussian clusters (a feature's cluster
   * and place are seeded by its index), dead ones left out, as generation's map leaves them out.
   */
  public static FeatureMap map(SyntheticSpec spec) {
    SplittableRandom centres = new SplittableRandom(spec.seed() ^ 0x5EED0F3A9L);
    double[] cx = new double[MAP_CLUSTERS];
    double[] cy = new double[MAP_CLUSTERS];
    for (int c = 0; c < MAP_CLUSTERS; c++) {
      cx[c] = 20 * centres.nextDouble() - 10;
      cy[c] = 20 * centres.nextDouble() - 10;
    }
    List<MapPoint> points = new ArrayList<>();
    for (int i = 0; i < spec.dSae(); i++) {
      if (new SplittableRandom(spec.seed() * 0x632BE59BD9B4E019L + i).nextInt(25) == 0) continue; // dead, as feature()
      SplittableRandom r = new SplittableRandom(spec.seed() * 31 + i);
      int c = r.nextInt(MAP_CLUSTERS);
      points.add(new MapPoint(i, cx[c] + 0.7 * r.nextGaussian(), cy[c] + 0.7 * r.nextGaussian()));
    }
    return new FeatureMap(FeatureMap.METHOD, points);
  }

  public static Manifest manifest(SyntheticSpec spec) {
    TreeMap<String, Object> settings = new TreeMap<>();
    settings.put("synthetic", true);
    settings.put("window", WINDOW);
    settings.put("top_k", TOP);
    return new Manifest(Manifest.FORMAT_VERSION,
        identity("synthetic-gpt2", "model.safetensors", spec.seed()),
        identity("synthetic-sae", "sae_weights.safetensors", spec.seed() + 1),
        spec.withB() ? identity("synthetic-sae-b", "sae_weights.safetensors", spec.seed() + 2) : null,
        identity("synthetic-tokens", "tokens.bin", spec.seed() + 3),
        "blocks.8.mlp.hook_post", D_MLP, spec.dSae(), spec.dVocab(), N_SEQUENCES, SEQ_LEN, spec.seed(),
        settings, DataDir.featureFiles(spec.dSae()));
  }

  private static Identity identity(String name, String file, long seed) {
    TreeMap<String, String> sha = new TreeMap<>();
    sha.put(file, String.format("%064x", new java.math.BigInteger(1, longBytes(seed))));
    return new Identity(name, sha);
  }

  private static byte[] longBytes(long v) {
    return java.nio.ByteBuffer.allocate(8).putLong(v * 0x9E3779B97F4A7C15L).array();
  }

  /** The vocabulary: hostile strings first when asked, then made-up word pieces, some with a leading space. */
  public static List<String> vocab(SyntheticSpec spec) {
    List<String> v = new ArrayList<>(spec.dVocab());
    if (spec.hostile()) {
      v.addAll(HOSTILE);
    }
    SplittableRandom r = new SplittableRandom(spec.seed() ^ 0x5EEDL);
    while (v.size() < spec.dVocab()) {
      int parts = 1 + r.nextInt(3);
      StringBuilder s = new StringBuilder(r.nextInt(10) < 6 ? " " : "");
      for (int p = 0; p < parts; p++) {
        s.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
      }
      if (r.nextInt(40) == 0) {
        s.append(r.nextBoolean() ? "." : ",");
      }
      v.add(s.toString());
    }
    return v;
  }

  /** The records in index order, made on demand. */
  public static Iterator<FeatureRecord> features(SyntheticSpec spec) {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < spec.dSae();
      }

      @Override
      public FeatureRecord next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return feature(spec, next++);
      }
    };
  }

  /** Feature {@code index} of {@code spec}. */
  public static FeatureRecord feature(SyntheticSpec spec, int index) {
    SplittableRandom r = new SplittableRandom(spec.seed() * 0x632BE59BD9B4E019L + index);
    boolean dead = r.nextInt(25) == 0;
    if (dead) {
      return dead(index, spec.withB()).withSimilar(similar(spec, index, spec.dSae(), true),
          spec.withB() ? similar(spec, index, spec.dSae(), false) : null);
    }
    double density = Math.pow(10, -5 + 4 * r.nextDouble());
    double maxAct = 1 + 19 * r.nextDouble();
    double meanAct = maxAct * (0.2 + 0.2 * r.nextDouble());
    int favourite = spec.hostile() && r.nextInt(3) > 0 ? r.nextInt(HOSTILE.size()) : r.nextInt(spec.dVocab());
    int neighbour = r.nextInt(spec.dVocab());

    Logits logits = logits(r, spec, favourite);
    List<Example> top = new ArrayList<>(TOP);
    double act = maxAct;
    for (int k = 0; k < TOP; k++) {
      top.add(example(r, spec, act, maxAct, favourite, neighbour, logits));
      act *= 0.9 + 0.09 * r.nextDouble();
    }
    List<Interval> intervals = new ArrayList<>(INTERVALS);
    for (int k = 0; k < INTERVALS; k++) {
      double lo = maxAct * k / INTERVALS;
      double hi = maxAct * (k + 1) / INTERVALS;
      List<Example> ex = new ArrayList<>(PER_INTERVAL);
      for (int e = 0; e < PER_INTERVAL; e++) {
        ex.add(example(r, spec, lo + (hi - lo) * (0.05 + 0.95 * r.nextDouble()), maxAct, favourite, neighbour, logits));
      }
      ex.sort((a, b) -> Double.compare(b.act(), a.act()));
      intervals.add(new Interval(lo, hi, density * Math.pow(0.6, k) * 0.4, ex));
    }
    return new FeatureRecord(index, density, maxAct, meanAct,
        histogram(r, 0, maxAct, 40, true),
        logits,
        units(r, D_MLP, true), units(r, D_MLP, false),
        spec.withB() ? units(r, spec.dSae(), false) : null,
        top, intervals, similar(spec, index, spec.dSae(), true),
        spec.withB() ? similar(spec, index, spec.dSae(), false) : null);
  }

  /** Feature count of a similar-features table. */
  public static final int SIMILAR = 10;

  /**
   * A similar-features table: {@value #SIMILAR} other features (of the same SAE, or of encoder B), mostly near
   * {@code index}, with descending cosines. Drawn from its own generator, so the other fields do not depend on it.
   */
  static List<FeatureCosine> similar(SyntheticSpec spec, int index, int dSae, boolean same) {
    SplittableRandom r = new SplittableRandom((spec.seed() * 0x9E3779B97F4A7C15L + index) ^ (same ? 0x51L : 0xB2L));
    List<FeatureCosine> out = new ArrayList<>(SIMILAR);
    java.util.Set<Integer> used = new java.util.HashSet<>();
    if (same) {
      used.add(index);
    }
    double cos = 0.3 + 0.6 * r.nextDouble();
    while (out.size() < Math.min(SIMILAR, dSae - (same ? 1 : 0))) {
      int f = r.nextInt(3) == 0 ? r.nextInt(dSae) : Math.floorMod(index + r.nextInt(64) - 32, dSae);
      if (used.add(f)) {
        out.add(new FeatureCosine(f, cos));
        cos *= 0.8 + 0.19 * r.nextDouble();
      }
    }
    return out;
  }

  /** A dead feature's record: density 0, empty lists (the similar-features tables too). */
  public static FeatureRecord dead(int index, boolean withB) {
    return new FeatureRecord(index, 0.0, 0.0, 0.0, Histogram.empty(),
        new Logits(List.of(), List.of(), Histogram.empty()), List.of(), List.of(), withB ? List.of() : null,
        List.of(), List.of(), List.of(), withB ? List.of() : null);
  }

  private static Example example(SplittableRandom r, SyntheticSpec spec, double act, double maxAct, int favourite,
      int neighbour, Logits logits) {
    int seq = r.nextInt(N_SEQUENCES);
    int pos = r.nextInt(SEQ_LEN);
    int start = Math.max(0, pos - WINDOW);
    int end = Math.min(SEQ_LEN - 1, pos + WINDOW);
    int n = end - start + 1;
    List<Integer> tokens = new ArrayList<>(n);
    List<Double> acts = new ArrayList<>(n);
    for (int q = 0; q < n; q++) {
      int p = start + q;
      if (p == pos) {
        tokens.add(r.nextInt(10) < 6 ? favourite : neighbour);
        acts.add(act);
      } else {
        tokens.add(spec.hostile() && r.nextInt(4) == 0 ? r.nextInt(HOSTILE.size()) : r.nextInt(spec.dVocab()));
        acts.add(r.nextInt(5) == 0 ? Math.min(act, maxAct * r.nextDouble() * 0.7) : 0.0);
      }
    }
    List<Double> loss = new ArrayList<>(n);
    List<List<TokenValue>> topLp = new ArrayList<>(n);
    List<List<TokenValue>> bottomLp = new ArrayList<>(n);
    for (int q = 0; q < n; q++) {
      int p = start + q;
      if (p == 0) {
        loss.add(null);
      } else if (q > 0 && acts.get(q - 1) > 0) {
        loss.add(r.nextGaussian() * 0.05 * acts.get(q - 1));
      } else {
        loss.add(0.0);
      }
      if (acts.get(q) > 0) {
        double shift = 0.02 * r.nextDouble();
        topLp.add(scaled(logits.top(), acts.get(q), shift));
        bottomLp.add(scaled(logits.bottom(), acts.get(q), shift));
      } else {
        topLp.add(List.of());
        bottomLp.add(List.of());
      }
    }
    return new Example(seq, pos, act, start, tokens, acts, loss, topLp, bottomLp);
  }

  /**
   * Through the direct path a feature changes every log-prob by {@code act * logit effect} minus one
   * per-position constant, so the top and bottom 5 are the feature's top and bottom logit tokens.
   */
  private static List<TokenValue> scaled(List<TokenValue> logits, double act, double shift) {
    List<TokenValue> out = new ArrayList<>(5);
    for (int j = 0; j < 5 && j < logits.size(); j++) {
      out.add(new TokenValue(logits.get(j).token(), act * logits.get(j).value() - shift));
    }
    return out;
  }

  /** {@code k} distinct tokens with values of {@code scale}'s sign, largest magnitude first. */
  private static List<TokenValue> pairs(SplittableRandom r, SyntheticSpec spec, int k, double scale, int first) {
    List<TokenValue> out = new ArrayList<>(k);
    java.util.Set<Integer> used = new java.util.HashSet<>();
    double v = scale;
    for (int j = 0; j < k; j++) {
      int t = j == 0 && first >= 0 ? first : r.nextInt(spec.dVocab());
      while (!used.add(t)) {
        t = r.nextInt(spec.dVocab());
      }
      out.add(new TokenValue(t, v));
      v *= 0.5 + 0.4 * r.nextDouble();
    }
    return out;
  }

  private static Logits logits(SplittableRandom r, SyntheticSpec spec, int favourite) {
    double peak = 0.5 + 2 * r.nextDouble();
    List<TokenValue> top = pairs(r, spec, 10, peak, favourite);
    List<TokenValue> bottom = pairs(r, spec, 10, -peak * (0.5 + r.nextDouble()), -1);
    double lo = bottom.get(0).value();
    double hi = top.get(0).value();
    return new Logits(top, bottom, histogram(r, lo, hi, 40, false));
  }

  private static Histogram histogram(SplittableRandom r, double lo, double hi, int bins, boolean decaying) {
    List<Double> edges = new ArrayList<>(bins + 1);
    List<Long> counts = new ArrayList<>(bins);
    for (int i = 0; i <= bins; i++) {
      edges.add(lo + (hi - lo) * i / bins);
    }
    for (int i = 0; i < bins; i++) {
      double x = (i + 0.5) / bins;
      double shape = decaying ? Math.exp(-6 * x) : Math.exp(-Math.pow((x - 0.5) / 0.12, 2));
      counts.add(Math.round(5000 * shape * (0.8 + 0.4 * r.nextDouble())));
    }
    return new Histogram(edges, counts);
  }

  private static List<UnitScore> units(SplittableRandom r, int range, boolean alignment) {
    List<UnitScore> out = new ArrayList<>(3);
    double a = alignment ? 0.3 + 0.3 * r.nextDouble() : 0.2 + 0.6 * r.nextDouble();
    for (int k = 0; k < 3; k++) {
      double b = alignment ? a / (4 + 10 * r.nextDouble()) : a * (0.8 + 0.3 * r.nextDouble());
      out.add(new UnitScore(r.nextInt(range), a, b));
      a *= 0.6 + 0.3 * r.nextDouble();
    }
    return out;
  }
}
