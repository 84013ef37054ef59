package org.featureatlas.generate;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.featureatlas.data.Identity;

/** {@code shard.json}: which part of which run a shard directory holds. */
record ShardInfo(
    @JsonProperty("format_version") int formatVersion,
    GenerateRequest request,
    int shard,
    int shards,
    @JsonProperty("first_batch") int firstBatch,
    @JsonProperty("end_batch") int endBatch,
    Identity model,
    Identity sae,
    @JsonProperty("sae_b") Identity saeB,
    Identity dataset) {

  static final int FORMAT_VERSION = 4; // 3: no correlation sums in state.bin; x and encoder B in the cache; 4: BOS rows left out
  static final String FILE = "shard.json";
  static final String STATE = "state.bin";
  static final String CACHE = "activations.bin";
}
