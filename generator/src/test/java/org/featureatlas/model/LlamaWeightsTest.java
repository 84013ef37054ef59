package org.featureatlas.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad checkpoints and configs: each is one line naming the file and the problem. */
class LlamaWeightsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private static String refused(Path model) {
    return assertThrows(AtlasException.class, () -> Models.load(model)).getMessage();
  }

  private Path withConfig(String name, ObjectNode c) throws Exception {
    return TestLlamas.write(dir.resolve(name), c, 1, "F32", 1).dir();
  }

  /** A good checkpoint whose config.json is then replaced by {@code c}. */
  private Path configOnly(String name, ObjectNode c) throws Exception {
    Path m = withConfig(name, TestLlamas.config("llama", 4, 2, 20));
    Files.writeString(m.resolve("config.json"), JSON.writeValueAsString(c));
    return m;
  }

  @Test
  void unknownModelTypeIsOneLine() throws Exception {
    ObjectNode c = TestLlamas.config("llama", 4, 2, 20);
    c.put("model_type", "falcon");
    Path m = configOnly("falcon", c);
    assertEquals(m.resolve("config.json") + ": model_type falcon is not supported (supported: gpt2, llama, mistral, qwen2, gemma2, gpt_neox)",
        refused(m));
    c.remove("model_type");
    Files.writeString(m.resolve("config.json"), JSON.writeValueAsString(c));
    assertEquals(m.resolve("config.json") + ": missing field model_type", refused(m));
  }

  @Test
  void missingConfigKeysAreNamed() throws Exception {
    for (String key : List.of("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
        "vocab_size", "max_position_embeddings")) {
      ObjectNode c = TestLlamas.config("llama", 4, 2, 20);
      c.remove(key);
      Path m = configOnly("missing-" + key, c);
      assertEquals(m.resolve("config.json") + ": missing field " + key, refused(m));
    }
    ObjectNode c = TestLlamas.config("llama", 4, 2, 20);
    c.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0).put("low_freq_factor", 1.0)
        .put("high_freq_factor", 4.0);
    Path m = configOnly("rope", c);
    assertEquals(m.resolve("config.json") + ": missing field rope_scaling.original_max_position_embeddings", refused(m));
    c.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0);
    Files.writeString(m.resolve("config.json"), JSON.writeValueAsString(c));
    assertEquals(m.resolve("config.json") + ": rope_scaling type yarn is not supported (default, linear, llama3)",
        refused(m));
    c.remove("rope_scaling");
    c.put("hidden_act", "gelu");
    Files.writeString(m.resolve("config.json"), JSON.writeValueAsString(c));
    assertEquals(m.resolve("config.json") + ": hidden_act gelu is not supported (only silu)", refused(m));
  }

  @Test
  void headCountsThatDoNotDivideAreRefused() throws Exception {
    Path m = configOnly("kv", TestLlamas.config("llama", 4, 3, 20));
    assertEquals(m.resolve("config.json") + ": num_attention_heads 4 is not a multiple of num_key_value_heads 3",
        refused(m));
    Path m2 = configOnly("heads", TestLlamas.config("mistral", 5, 5, 20));
    assertEquals(m2.resolve("config.json") + ": hidden_size 32 is not a multiple of num_attention_heads 5 "
        + "(and there is no head_dim)", refused(m2));
    ObjectNode odd = TestLlamas.config("llama", 4, 2, 20);
    odd.put("head_dim", 7);
    Path m3 = configOnly("odd", odd);
    assertEquals(m3.resolve("config.json") + ": head_dim 7 is odd (rotary embeddings rotate pairs)", refused(m3));
  }

  @Test
  void shardMissingFromTheFolderOrNotHoldingItsTensorsIsNamed() throws Exception {
    Path m = TestLlamas.write(dir.resolve("sharded"), TestLlamas.config("llama", 4, 2, 20), 2, "BF16", 2).dir();
    Models.load(m); // loads whole
    Path index = m.resolve(Checkpoint.INDEX);
    String second = TestLlamas.shardName(1, 2);
    Files.move(m.resolve(second), dir.resolve("elsewhere.safetensors"));
    String msg = refused(m);
    assertTrue(msg.startsWith(index + ": shard " + second + " (holding "), msg);
    assertTrue(msg.endsWith(" and others) is missing from " + m), msg);
    Files.move(dir.resolve("elsewhere.safetensors"), m.resolve(second));
    // The index puts a tensor in the wrong shard.
    ObjectNode idx = (ObjectNode) JSON.readTree(index.toFile());
    ObjectNode map = (ObjectNode) idx.get("weight_map");
    String first = TestLlamas.shardName(0, 2);
    String moved = map.properties().stream().filter(e -> e.getValue().asText().equals(second)).findFirst()
        .orElseThrow().getKey();
    map.put(moved, first);
    Files.writeString(index, JSON.writeValueAsString(idx));
    assertEquals(index + ": weight_map puts tensor " + moved + " in " + first + ", which does not hold it", refused(m));
    // A shard outside the folder is not followed.
    map.put(moved, "../" + second);
    Files.writeString(index, JSON.writeValueAsString(idx));
    assertEquals(index + ": weight_map entry " + moved + " names ../" + second
        + ", which is not a file in the checkpoint folder", refused(m));
    // A tensor missing from the index altogether.
    map.remove(moved);
    Files.writeString(index, JSON.writeValueAsString(idx));
    String noTensor = refused(m);
    assertTrue(noTensor.startsWith(index + ": missing tensor " + moved.substring("model.".length())), noTensor);
  }

  @Test
  void noWeightsAtAllAndUntiedWithoutLmHead() throws Exception {
    Path m = withConfig("none", TestLlamas.config("qwen2", 4, 2, 20));
    Files.delete(m.resolve("model.safetensors"));
    assertEquals(m.resolve("model.safetensors") + ": no such file (nor model.safetensors.index.json)", refused(m));
    // Written tied (no lm_head), then declared untied.
    ObjectNode tied = TestLlamas.config("llama", 4, 2, 20);
    tied.put("tie_word_embeddings", true);
    Path t = withConfig("tied", tied);
    tied.put("tie_word_embeddings", false);
    Files.writeString(t.resolve("config.json"), JSON.writeValueAsString(tied));
    assertEquals(t.resolve("model.safetensors") + ": missing tensor lm_head.weight (expected shape [20, 32]; "
        + "tie_word_embeddings is false)", refused(t));
  }

  @Test
  void moreLayersThanTheCheckpointHoldsIsRefusedFromTheHeader() throws Exception {
    ObjectNode c = TestLlamas.config("mistral", 4, 2, 20);
    Path m = withConfig("layers", c);
    c.put("num_hidden_layers", 1000000000);
    Files.writeString(m.resolve("config.json"), JSON.writeValueAsString(c));
    assertEquals(m.resolve("config.json") + ": num_hidden_layers 1000000000 but model.safetensors holds 2 layers",
        refused(m));
    c.put("num_hidden_layers", 2);
    c.put("intermediate_size", 49);
    Files.writeString(m.resolve("config.json"), JSON.writeValueAsString(c));
    String msg = refused(m);
    assertTrue(msg.startsWith(m.resolve("model.safetensors") + ": tensor model.layers.0.mlp."), msg);
    assertTrue(msg.contains(", expected [49, 32] from config.json") || msg.contains(", expected [32, 49] from config.json"), msg);
  }

  @Test
  void qwen2SlidingWindowLayersAreRefused() throws Exception {
    ObjectNode c = TestLlamas.config("qwen2", 4, 2, 20);
    c.put("use_sliding_window", true);
    c.put("sliding_window", 8);
    Path m = configOnly("qwen-window", c);
    assertEquals(m.resolve("config.json") + ": use_sliding_window true is not supported (Qwen 2 sliding-window layers)",
        refused(m));
  }
}
