package org.featureatlas.export;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.featureatlas.check.AtlasException;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureCosine;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Histogram;
import org.featureatlas.data.Interval;
import org.featureatlas.data.TokenValue;
import org.featureatlas.data.UnitScore;

/**
 * One feature record of a data directory as Neuronpedia rows: its {@link NeuronpediaFeature} and its
 * {@link NeuronpediaActivation}s. Each field's source is in docs/neuronpedia.md; the numbers are the data
 * directory's, unchanged, except histogram bar values (bin midpoints) and an example's max, min and
 * max index (computed from its values).
 */
final class NeuronpediaMapping {
  private final NeuronpediaOptions options;
  private final List<String> vocab;
  private final Path vocabFile;

  NeuronpediaMapping(NeuronpediaOptions options, List<String> vocab, Path vocabFile) {
    this.options = options;
    this.vocab = List.copyOf(vocab);
    this.vocabFile = vocabFile;
  }

  NeuronpediaFeature feature(FeatureRecord r) {
    List<UnitScore> alignment = r.neuronAlignment();
    List<UnitScore> neurons = r.correlatedNeurons();
    List<UnitScore> features = r.correlatedFeaturesB() == null ? List.of() : r.correlatedFeaturesB();
    // Similar features of the same SAE (format 2; a format-1 directory has none).
    List<FeatureCosine> similar = r.similarFeatures() == null ? List.of() : r.similarFeatures();
    return new NeuronpediaFeature(options.modelId(), options.sourceId(), String.valueOf(r.index()), options.creatorId(),
        options.setName(), r.maxAct(), false, List.of(), map(similar, FeatureCosine::feature), map(similar, FeatureCosine::cosine),
        map(alignment, UnitScore::unit), map(alignment, UnitScore::a), map(alignment, UnitScore::b),
        map(neurons, UnitScore::unit), map(neurons, UnitScore::a), map(neurons, UnitScore::b),
        map(features, UnitScore::unit), map(features, UnitScore::a), map(features, UnitScore::b),
        map(r.logits().bottom(), t -> token(t.token(), r)), map(r.logits().bottom(), TokenValue::value),
        map(r.logits().top(), t -> token(t.token(), r)), map(r.logits().top(), TokenValue::value),
        r.density(),
        heights(r.actHistogram()), midpoints(r.actHistogram()),
        heights(r.logits().histogram()), midpoints(r.logits().histogram()),
        List.of());
  }

  /**
   * The feature's activations: its top examples in their order (activation descending), then its intervals
   * from the highest to the lowest, each interval's examples in their order (activation descending).
   */
  List<NeuronpediaActivation> activations(FeatureRecord r) {
    List<NeuronpediaActivation> out = new ArrayList<>();
    for (Example e : r.topExamples()) {
      out.add(activation(r, out.size(), e, -1, r.maxAct(), -1));
    }
    for (int i = r.intervals().size() - 1; i >= 0; i--) {
      Interval interval = r.intervals().get(i);
      for (Example e : interval.examples()) {
        out.add(activation(r, out.size(), e, interval.lo(), interval.hi(), interval.fraction()));
      }
    }
    return out;
  }

  private NeuronpediaActivation activation(FeatureRecord r, int k, Example e, double binMin, double binMax,
      double binContains) {
    List<Double> values = e.acts();
    int argMax = 0;
    double min = values.get(0);
    for (int q = 1; q < values.size(); q++) {
      if (values.get(q) > values.get(argMax)) {
        argMax = q;
      }
      min = Math.min(min, values.get(q));
    }
    List<Double> loss = new ArrayList<>(e.lossEffect().size());
    for (Double l : e.lossEffect()) {
      loss.add(l == null ? 0.0 : l); // null only at sequence position 0, where nothing is predicted
    }
    String id = options.modelId() + "." + options.sourceId() + "." + r.index() + "." + k;
    return new NeuronpediaActivation(id, options.modelId(), options.sourceId(), String.valueOf(r.index()),
        options.creatorId(), map(e.tokens(), t -> token(t, r)), values, values.get(argMax), argMax, min, loss,
        binMin, binMax, binContains, e.pos() - e.start());
  }

  private String token(int id, FeatureRecord r) {
    if (id < 0 || id >= vocab.size()) {
      throw new AtlasException(vocabFile + ": has " + vocab.size() + " entries, but feature " + r.index()
          + " uses token id " + id);
    }
    return vocab.get(id);
  }

  /** Bar heights: the bin counts. */
  private static List<Double> heights(Histogram h) {
    return map(h.counts(), Long::doubleValue);
  }

  /** Bar values: the bin midpoints, as sae_vis's HistogramData (and so Neuronpedia) has them. */
  private static List<Double> midpoints(Histogram h) {
    List<Double> out = new ArrayList<>(h.counts().size());
    for (int k = 0; k < h.counts().size(); k++) {
      out.add((h.edges().get(k) + h.edges().get(k + 1)) / 2);
    }
    return out;
  }

  private static <T, R> List<R> map(List<T> in, Function<T, R> f) {
    List<R> out = new ArrayList<>(in.size());
    for (T t : in) {
      out.add(f.apply(t));
    }
    return out;
  }
}
