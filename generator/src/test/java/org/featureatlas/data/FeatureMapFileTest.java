package org.featureatlas.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** map.json: written and read back, absent for older data, and a bad one refused in one line naming the file. */
class FeatureMapFileTest {
  @TempDir
  Path dir;

  static Manifest manifest(int dSae) {
    return new Manifest(Manifest.FORMAT_VERSION, null, null, null, null, "blocks.0.hook_resid_post", 4, dSae, 10, 1, 4, 1,
        new TreeMap<>(), DataDir.featureFiles(dSae));
  }

  @Test
  void roundTripsAndIsOptional() throws Exception {
    assertEquals(Optional.empty(), FeatureMap.read(dir, manifest(5)));
    FeatureMap map = new FeatureMap(FeatureMap.METHOD, List.of(new MapPoint(0, 1.23456789, -2), new MapPoint(3, 0, 7.5)));
    FeatureMap.write(dir, map);
    assertEquals("{\"method\":\"umap-knn-decoder-cosine\",\"points\":[[0,1.23457,-2.0],[3,0.0,7.5]]}\n",
        Files.readString(dir.resolve(FeatureMap.FILE)));
    FeatureMap back = FeatureMap.read(dir, manifest(5)).orElseThrow();
    assertEquals(List.of(new MapPoint(0, 1.23457, -2), new MapPoint(3, 0, 7.5)), back.points());
  }

  @Test
  void badMapsAreRefusedInOneLine() throws Exception {
    String[][] cases = {
        {"{\"method\":\"m\",\"points\":[[1,0,0],[1,1,1]]}", "point 1: feature 1 is not ascending in [0, 5)"},
        {"{\"method\":\"m\",\"points\":[[5,0,0]]}", "point 0: feature 5 is not ascending in [0, 5)"},
        {"{\"method\":\"m\",\"points\":[[-1,0,0]]}", "point 0: feature -1 is not ascending in [0, 5)"},
        {"{\"method\":\"m\"}", "not a valid feature map"},
        {"{\"method\":\"m\",\"points\":[[0,0,0]", "not a valid feature map"},
        {"[]", "not a valid feature map"}};
    for (String[] c : cases) {
      Files.writeString(dir.resolve(FeatureMap.FILE), c[0]);
      AtlasException e = assertThrows(AtlasException.class, () -> FeatureMap.read(dir, manifest(5)), c[0]);
      assertTrue(e.getMessage().startsWith(dir.resolve(FeatureMap.FILE).toString() + ": ")
          && e.getMessage().contains(c[1]) && !e.getMessage().contains("\n"), c[0] + " -> " + e.getMessage());
    }
  }
}
