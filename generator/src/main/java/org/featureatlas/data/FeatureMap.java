package org.featureatlas.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;

/**
 * {@code map.json} of a data directory (format 3): every live feature's place on the 2-D feature map,
 * ascending feature. {@code method} names the projection ({@value #METHOD}: see docs/generation.md).
 */
public record FeatureMap(@JsonProperty(required = true) String method,
    @JsonProperty(required = true) List<MapPoint> points) {
  public static final String FILE = "map.json";
  /** The projection generation writes: a UMAP-style layout of the decoder directions' nearest-neighbour graph. */
  public static final String METHOD = "umap-knn-decoder-cosine";

  @JsonCreator
  public FeatureMap {}

  /** Writes {@code map} as {@value #FILE} in {@code dir} (one line, floats rounded as every data number). */
  public static void write(Path dir, FeatureMap map) throws IOException {
    Files.writeString(dir.resolve(FILE), Json.mapper().writeValueAsString(map) + "\n");
  }

  /**
   * The map of the data directory {@code dir} when it has one (format 3; older data has none), checked:
   * features ascending and distinct in {@code [0, d_sae)}, coordinates finite. A bad file is refused in one line.
   */
  public static Optional<FeatureMap> read(Path dir, Manifest manifest) {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Check.readableFile(file);
    FeatureMap map;
    try {
      map = Json.mapper().readValue(file.toFile(), FeatureMap.class);
    } catch (IOException e) {
      throw new AtlasException(file + ": not a valid feature map (" + DataDir.jsonProblem(e) + ")", e);
    }
    Check.file(map != null && map.points() != null && map.method() != null, file, "lacks method or points");
    int last = -1;
    for (int k = 0; k < map.points().size(); k++) {
      MapPoint p = map.points().get(k);
      Check.file(p != null, file, "point " + k + " is null");
      Check.file(p.feature() > last && p.feature() < manifest.dSae(), file, "point " + k + ": feature " + p.feature()
          + " is not ascending in [0, " + manifest.dSae() + ")");
      Check.file(Double.isFinite(p.x()) && Double.isFinite(p.y()), file, "point " + k + " (feature " + p.feature()
          + ") has a coordinate that is not finite");
      last = p.feature();
    }
    return Optional.of(map);
  }
}
