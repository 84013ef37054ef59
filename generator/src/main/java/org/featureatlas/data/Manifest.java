package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.SortedMap;

/** {@code manifest.json} of a data directory. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    @JsonProperty("format_version") int formatVersion,
    Identity model,
    Identity sae,
    /** Null without a second SAE. */
    @JsonProperty("sae_b") Identity saeB,
    Identity dataset,
    String hook,
    @JsonProperty("d_in") int dIn,
    @JsonProperty("d_sae") int dSae,
    @JsonProperty("d_vocab") int dVocab,
    @JsonProperty("n_sequences") int nSequences,
    @JsonProperty("seq_len") int seqLen,
    long seed,
    /** Settings that shaped the numbers (architecture, window, k, centring, ...), sorted by key. */
    SortedMap<String, Object> settings,
    /** Feature files, relative to the data directory, in feature order. */
    @JsonProperty("feature_files") List<String> featureFiles) {

  /**
   * The version written: 2 adds {@code similar_features} (and {@code similar_features_b}) to every record, 3 adds
   * the feature map ({@code map.json}, {@link FeatureMap}).
   */
  public static final int FORMAT_VERSION = 3;

  /** The oldest version read: format-1 records lack the similar-features tables. */
  public static final int OLDEST_READ = 1;
}
