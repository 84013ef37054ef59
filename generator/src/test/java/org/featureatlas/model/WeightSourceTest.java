package org.featureatlas.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.SafeTensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint's values go to the device tensor by tensor, block by block, and are read only then. */
class WeightSourceTest {
  @TempDir
  Path dir;

  private Gpt2Weights written(String dtype) {
    Gpt2Weights w = TestModels.spicy(TestModels.smallConfig(), 11);
    w.config().write(dir.resolve(Gpt2Weights.CONFIG_FILE));
    SafeTensorsWriter.write(dir.resolve(Gpt2Weights.WEIGHTS_FILE), w.all(), dtype, Map.of());
    return w;
  }

  @Test
  void blocksOfRowsFillEachTensorExactly() {
    Gpt2Weights w = written("F32");
    Gpt2Weights lazy = Gpt2Weights.load(dir);
    assertEquals(w.parameterCount(), lazy.parameterCount());
    assertEquals(32L * 96, lazy.largestTensor()); // c_attn [d 32, 3 d] beats wte [vocab 50, 32] and c_fc [32, 80]
    try (NDManager manager = NDManager.newBaseManager()) {
      // 96 values a block: 3 rows of wte (17 blocks, the last of 2 rows), 1 row of c_attn [32, 96] and of c_fc
      // [32, 80]; each 1-D tensor (at most 96 values) in one block.
      Map<String, NDArray> p = lazy.source().toDevice(manager, 4 * 32 * 3);
      assertEquals(w.all().keySet(), p.keySet());
      for (Map.Entry<String, HostTensor> e : w.all().entrySet()) {
        NDArray a = p.get(e.getKey());
        assertArrayEquals(e.getValue().shape(), a.getShape().getShape(), e.getKey());
        assertArrayEquals(e.getValue().data(), a.toFloatArray(), e.getKey());
        assertEquals(e.getKey(), a.getName());
      }
    }
  }

  @Test
  void bf16ValuesMatchTheJavaConversion() {
    written("BF16");
    Gpt2Weights lazy = Gpt2Weights.load(dir);
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> p = lazy.source().toDevice(manager, 4 * 32 * 7);
      for (String name : lazy.all().keySet()) {
        assertArrayEquals(lazy.get(name).data(), p.get(name).toFloatArray(), name);
      }
    }
  }

  @Test
  void theValuesAreReadWhenTheModelIsBuiltNotWhenLoaded() {
    Gpt2Weights w = written("F32");
    Gpt2Weights lazy = Gpt2Weights.load(dir);
    // Same shapes, other values: the loaded weights held only the header.
    Map<String, HostTensor> other = new TreeMap<>(w.all());
    float[] wte = w.get("wte.weight").data().clone();
    wte[1285] = 42f;
    other.put("wte.weight", HostTensor.of(wte, 50, 32));
    SafeTensorsWriter.write(dir.resolve(Gpt2Weights.WEIGHTS_FILE), other, "F32", Map.of());
    try (NDManager manager = NDManager.newBaseManager()) {
      assertEquals(42f, lazy.source().toDevice(manager, 4 * 32 * 3).get("wte.weight").toFloatArray()[1285]);
    }
  }

  @Test
  void aNonFiniteValueInALaterBlockNamesItsFlatIndex() {
    Gpt2Weights w = written("F32");
    Map<String, HostTensor> bad = new TreeMap<>(w.all());
    float[] wte = w.get("wte.weight").data().clone();
    wte[1285] = Float.POSITIVE_INFINITY; // row 40, in the 14th block of 3 rows
    bad.put("wte.weight", HostTensor.of(wte, 50, 32));
    Path file = dir.resolve(Gpt2Weights.WEIGHTS_FILE);
    SafeTensorsWriter.write(file, bad, "F32", Map.of());
    Gpt2Weights lazy = Gpt2Weights.load(dir);
    try (NDManager manager = NDManager.newBaseManager()) {
      String msg = assertThrows(AtlasException.class, () -> lazy.source().toDevice(manager, 4 * 32 * 3)).getMessage();
      assertTrue(msg.startsWith(file.toString()) && msg.contains("wte.weight") && msg.contains("Infinity")
          && msg.contains("flat index 1285") && !msg.contains("\n"), msg);
    }
  }

  @Test
  void aTensorReshapedAfterLoadingIsRefusedWhenBuilding() {
    Gpt2Weights w = written("F32");
    Gpt2Weights lazy = Gpt2Weights.load(dir);
    Map<String, HostTensor> other = new TreeMap<>(w.all());
    other.put("ln_f.bias", HostTensor.of(new float[31], 31));
    Path file = dir.resolve(Gpt2Weights.WEIGHTS_FILE);
    SafeTensorsWriter.write(file, other, "F32", Map.of());
    try (NDManager manager = NDManager.newBaseManager()) {
      String msg = assertThrows(AtlasException.class, () -> lazy.newModel(manager)).getMessage();
      assertTrue(msg.startsWith(file.toString()) && msg.contains("ln_f.bias") && msg.contains("[31]"), msg);
    }
  }
}
