package org.featureatlas.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config.json whose sizes the checkpoint cannot hold is refused from the safetensors header, before
 * any table of that size is built. The timeouts only guard against the old hang; they measure nothing.
 */
class Gpt2WeightsTest {
  private static final Duration HANG_GUARD = Duration.ofSeconds(20);

  @TempDir Path dir;

  /** A saved 2-layer model whose config.json has {@code field} replaced by {@code value}. */
  private Path modelWith(String field, String value) throws IOException {
    Path model = dir.resolve("model");
    Gpt2Weights.random(TestModels.smallConfig(), 1).save(model, true);
    Path config = model.resolve(Gpt2Weights.CONFIG_FILE);
    String text = Files.readString(config);
    String patched = text.replaceFirst("\"" + field + "\" : [^,\\n]+", "\"" + field + "\" : " + value);
    assertTrue(!patched.equals(text), "fixture: no " + field + " in " + text);
    Files.writeString(config, patched);
    return model;
  }

  private static String refused(Path model) {
    return assertTimeoutPreemptively(HANG_GUARD,
        () -> assertThrows(AtlasException.class, () -> Gpt2Weights.load(model)).getMessage());
  }

  @Test
  void anAbsurdLayerCountIsRefusedFromTheHeader() throws IOException {
    Path model = modelWith("n_layer", "1000000000");
    String msg = refused(model);
    assertEquals(model.resolve("config.json") + ": n_layer 1000000000 but model.safetensors holds 2 blocks", msg);
  }

  @Test
  void aLayerCountJustAboveTheCheckpointIsRefusedToo() throws IOException {
    Path model = modelWith("n_layer", "3");
    assertEquals(model.resolve("config.json") + ": n_layer 3 but model.safetensors holds 2 blocks", refused(model));
  }

  @Test
  void absurdWidthsAreRefusedByShapeBeforeAnyDataIsRead() throws IOException {
    String msg = refused(modelWith("vocab_size", "2147483647"));
    assertTrue(msg.contains("model.safetensors: tensor wte.weight has shape [50, 32], expected [2147483647, 32]"), msg);
    msg = refused(modelWith("n_positions", "2000000000"));
    assertTrue(msg.contains("tensor wpe.weight has shape [16, 32], expected [2000000000, 32]"), msg);
    msg = refused(modelWith("n_inner", "2147483647"));
    assertTrue(msg.contains("tensor h.0.mlp.c_fc.weight has shape [32, 80], expected [32, 2147483647]"), msg);
  }

  @Test
  void theUnpatchedModelLoads() {
    Path model = dir.resolve("model");
    Gpt2Weights.random(TestModels.smallConfig(), 1).save(model, true);
    assertEquals(2, Gpt2Weights.load(model).config().nLayer());
  }
}
