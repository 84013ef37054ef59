package org.featureatlas.site.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.SortedMap;
import org.featureatlas.data.Identity;

/**
 * {@code ATLAS-MANIFEST.json}: which checkpoint the archive holds (copied from the data
 * directory's manifest) and the size and sha256 of every other entry, sorted by entry name.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"format_version", "model", "sae", "sae_b", "dataset", "hook", "files"})
public record ArchiveManifest(
    @JsonProperty("format_version") int formatVersion,
    Identity model,
    Identity sae,
    /** Null without a second SAE. */
    @JsonProperty("sae_b") Identity saeB,
    Identity dataset,
    String hook,
    SortedMap<String, FileDigest> files) {

  public static final int FORMAT_VERSION = 1;
  /** The manifest's own entry name; it sorts before {@code data/} and {@code site/}. */
  public static final String NAME = "ATLAS-MANIFEST.json";

  /** Size in bytes and lower-case hex sha256 of one entry. */
  @JsonPropertyOrder({"size", "sha256"})
  public record FileDigest(long size, String sha256) {}
}
