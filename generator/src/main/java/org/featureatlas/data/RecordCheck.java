package org.featureatlas.data;

import java.util.List;

/**
 * Checks a feature record against docs/data-format.md and its manifest, after the strict JSON read
 * ({@link Json#recordReader}) has made sure every required field was there with the right type:
 * lists present, numbers finite, densities, fractions and L1 shares in [0, 1], histogram counts not
 * negative and edges one more than counts, token ids below d_vocab, units below d_in, each example's
 * sequence, position and window inside the dataset shape and its lists parallel to its tokens, a
 * null loss effect only at sequence position 0. {@link #problem} names the first problem found.
 */
public final class RecordCheck {
  private final Manifest manifest;

  public RecordCheck(Manifest manifest) {
    this.manifest = manifest;
  }

  /** The first problem of {@code f}, as a short phrase, or null when the record is sound. */
  public String problem(FeatureRecord f) {
    try {
      check(f);
      return null;
    } catch (Bad e) {
      return e.getMessage();
    }
  }

  /** One problem; carries no stack trace, it only ends the check. */
  private static final class Bad extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Bad(String message) {
      super(message, null, false, false);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new Bad(message);
    }
  }

  private static <T> T present(T value, String field) {
    require(value != null, field + " is missing or null");
    return value;
  }

  private static void finite(double v, String field) {
    require(Double.isFinite(v), field + " is not a finite number");
  }

  private static void unit(double v, String field) {
    finite(v, field);
    require(v >= 0 && v <= 1, field + " " + v + " is outside [0, 1]");
  }

  private void check(FeatureRecord f) {
    require(f.index() >= 0 && f.index() < manifest.dSae(), "index " + f.index() + " is outside [0, d_sae " + manifest.dSae() + ")");
    unit(f.density(), "density");
    finite(f.maxAct(), "max_act");
    finite(f.meanAct(), "mean_act");
    histogram(present(f.actHistogram(), "act_histogram"), "act_histogram");
    Logits logits = present(f.logits(), "logits");
    tokenValues(present(logits.top(), "logits.top"), "logits.top");
    tokenValues(present(logits.bottom(), "logits.bottom"), "logits.bottom");
    histogram(present(logits.histogram(), "logits.histogram"), "logits.histogram");
    List<UnitScore> alignment = present(f.neuronAlignment(), "neuron_alignment");
    for (int k = 0; k < alignment.size(); k++) {
      UnitScore s = present(alignment.get(k), "neuron_alignment[" + k + "]");
      neuron(s.unit(), "neuron_alignment[" + k + "]");
      finite(s.a(), "neuron_alignment[" + k + "] value");
      unit(s.b(), "neuron_alignment[" + k + "] l1_fraction");
    }
    scores(present(f.correlatedNeurons(), "correlated_neurons"), "correlated_neurons", true);
    if (f.correlatedFeaturesB() != null) {
      scores(f.correlatedFeaturesB(), "correlated_features_b", false);
    }
    if (manifest.formatVersion() >= 2) {
      similar(present(f.similarFeatures(), "similar_features"), "similar_features", f.index(), manifest.dSae());
    } else {
      require(f.similarFeatures() == null, "similar_features is not part of format_version " + manifest.formatVersion());
    }
    if (f.similarFeaturesB() != null) {
      require(manifest.formatVersion() >= 2, "similar_features_b is not part of format_version " + manifest.formatVersion());
      similar(f.similarFeaturesB(), "similar_features_b", -1, Integer.MAX_VALUE);
    }
    List<Example> top = present(f.topExamples(), "top_examples");
    for (int k = 0; k < top.size(); k++) {
      example(top.get(k), "top_examples[" + k + "]");
    }
    List<Interval> intervals = present(f.intervals(), "intervals");
    for (int i = 0; i < intervals.size(); i++) {
      String where = "intervals[" + i + "]";
      Interval v = present(intervals.get(i), where);
      finite(v.lo(), where + ".lo");
      finite(v.hi(), where + ".hi");
      require(v.lo() <= v.hi(), where + ": lo " + v.lo() + " is above hi " + v.hi());
      unit(v.fraction(), where + ".fraction");
      List<Example> ex = present(v.examples(), where + ".examples");
      for (int k = 0; k < ex.size(); k++) {
        example(ex.get(k), where + ".examples[" + k + "]");
      }
    }
  }

  private void neuron(int unit, String where) {
    require(unit >= 0 && unit < manifest.dIn(), where + ": unit " + unit + " is outside [0, d_in " + manifest.dIn() + ")");
  }

  private void scores(List<UnitScore> scores, String field, boolean neurons) {
    for (int k = 0; k < scores.size(); k++) {
      String where = field + "[" + k + "]";
      UnitScore s = present(scores.get(k), where);
      if (neurons) {
        neuron(s.unit(), where);
      } else {
        require(s.unit() >= 0, where + ": unit " + s.unit() + " is negative");
      }
      finite(s.a(), where + " pearson");
      finite(s.b(), where + " cosine");
    }
  }

  /**
   * A similar-features table: features in [0, {@code bound}) other than {@code self}, cosines in [-1, 1], cosine
   * descending.
   */
  private static void similar(List<FeatureCosine> rows, String field, int self, int bound) {
    FeatureCosine previous = null;
    for (int k = 0; k < rows.size(); k++) {
      String where = field + "[" + k + "]";
      FeatureCosine c = present(rows.get(k), where);
      require(c.feature() >= 0 && c.feature() < bound, where + ": feature " + c.feature() + " is outside [0, "
          + (bound == Integer.MAX_VALUE ? "d_sae_B" : "d_sae " + bound) + ")");
      require(c.feature() != self, where + ": feature " + c.feature() + " is the record's own");
      finite(c.cosine(), where + " cosine");
      require(c.cosine() >= -1 && c.cosine() <= 1, where + ": cosine " + c.cosine() + " is outside [-1, 1]");
      if (previous != null) {
        // Descending; ties of the stored (rounded) cosines may be in any feature order, as rounding makes ties.
        require(c.cosine() <= previous.cosine(), where + " is out of order (cosine descending)");
      }
      previous = c;
    }
  }

  private static void histogram(Histogram h, String field) {
    List<Double> edges = present(h.edges(), field + ".edges");
    List<Long> counts = present(h.counts(), field + ".counts");
    require(counts.isEmpty() ? edges.isEmpty() : edges.size() == counts.size() + 1,
        field + " has " + edges.size() + " edges for " + counts.size() + " counts");
    double last = Double.NEGATIVE_INFINITY;
    for (Double e : edges) {
      require(e != null && Double.isFinite(e), field + ".edges holds a missing or non-finite number");
      require(e >= last, field + ".edges are not in ascending order");
      last = e;
    }
    for (Long c : counts) {
      require(c != null && c >= 0, field + ".counts holds a missing or negative count");
    }
  }

  private void token(Integer id, String where) {
    require(id != null, where + ": a token id is missing");
    require(id >= 0 && id < manifest.dVocab(), where + ": token id " + id + " is outside [0, d_vocab " + manifest.dVocab() + ")");
  }

  private void tokenValues(List<TokenValue> values, String where) {
    for (TokenValue t : values) {
      require(t != null, where + " holds a null pair");
      token(t.token(), where);
      finite(t.value(), where + " value");
    }
  }

  private void example(Example e, String where) {
    present(e, where);
    List<Integer> tokens = present(e.tokens(), where + ".tokens");
    int n = tokens.size();
    require(n > 0, where + " has no tokens");
    for (List<?> l : List.of(present(e.acts(), where + ".acts"), present(e.lossEffect(), where + ".loss_effect"),
        present(e.topLogprob(), where + ".top_logprob"), present(e.bottomLogprob(), where + ".bottom_logprob"))) {
      require(l.size() == n, where + " has " + n + " tokens but a parallel list of " + l.size());
    }
    require(e.seq() >= 0 && e.seq() < manifest.nSequences(),
        where + ": seq " + e.seq() + " is outside [0, n_sequences " + manifest.nSequences() + ")");
    require(e.start() >= 0 && (long) e.start() + n <= manifest.seqLen(),
        where + ": window " + e.start() + ".." + ((long) e.start() + n - 1) + " is outside [0, seq_len " + manifest.seqLen() + ")");
    require(e.pos() >= e.start() && e.pos() < e.start() + n,
        where + ": pos " + e.pos() + " is outside its window starting at " + e.start());
    finite(e.act(), where + ".act");
    for (int q = 0; q < n; q++) {
      token(tokens.get(q), where + ".tokens");
      Double a = e.acts().get(q);
      require(a != null && Double.isFinite(a), where + ".acts holds a missing or non-finite number");
      Double loss = e.lossEffect().get(q);
      if (loss == null) {
        require(e.start() + q == 0, where + ".loss_effect is null at sequence position " + (e.start() + q)
            + " (only position 0 may be null)");
      } else {
        finite(loss, where + ".loss_effect");
      }
      tokenValues(present(e.topLogprob().get(q), where + ".top_logprob entry"), where + ".top_logprob");
      tokenValues(present(e.bottomLogprob().get(q), where + ".bottom_logprob entry"), where + ".bottom_logprob");
    }
  }
}
