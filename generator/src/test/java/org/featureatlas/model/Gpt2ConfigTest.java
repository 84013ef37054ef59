package org.featureatlas.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gpt2ConfigTest {
  @TempDir Path dir;

  /** The config.json of openai-community/gpt2, as published. */
  private static final String GPT2 = """
      {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
       "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02,
       "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12,
       "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "summary_activation": null,
       "summary_first_dropout": 0.1, "summary_proj_to_labels": true, "summary_type": "cls_index",
       "summary_use_proj": true, "task_specific_params": {"text-generation": {"do_sample": true, "max_length": 50}},
       "vocab_size": 50257}
      """;

  @Test
  void readsGpt2Small() throws IOException {
    Path f = dir.resolve("config.json");
    Files.writeString(f, GPT2);
    Gpt2Config c = Gpt2Config.read(f);
    assertEquals(new Gpt2Config(12, 12, 768, 1024, 50257, 3072, 1e-5, "gelu_new"), c);
    assertEquals(3072, c.dMlp());
    assertEquals(64, c.dHead());
  }

  @Test
  void writeIsHuggingFaceCompatibleAndReadsBack() throws IOException {
    Gpt2Config c = new Gpt2Config(2, 4, 32, 16, 50, 80, 1e-6, "gelu_new");
    Path f = dir.resolve("config.json");
    c.write(f);
    assertEquals(c, Gpt2Config.read(f));
    JsonNode n = new ObjectMapper().readTree(f.toFile());
    assertEquals("gpt2", n.get("model_type").asText());
    assertEquals("GPT2LMHeadModel", n.get("architectures").get(0).asText());
    assertEquals(80, n.get("n_inner").asInt());
    Gpt2Config d = new Gpt2Config(2, 4, 32, 16, 50, 128, 1e-5, "gelu_new");
    d.write(f);
    assertTrue(new ObjectMapper().readTree(f.toFile()).get("n_inner").isNull());
    assertEquals(d, Gpt2Config.read(f));
  }

  private void assertError(String json, String part) throws IOException {
    Path f = dir.resolve("config.json");
    Files.writeString(f, json);
    String msg = assertThrows(AtlasException.class, () -> Gpt2Config.read(f)).getMessage();
    assertTrue(msg.startsWith(f + ": ") && msg.contains(part), msg);
  }

  @Test
  void badConfigs() throws IOException {
    assertError(GPT2.replace("gelu_new", "relu"), "activation_function relu is not supported");
    assertError(GPT2.replace("\"n_layer\": 12,", ""), "n_layer");
    assertError(GPT2.replace("\"n_head\": 12", "\"n_head\": 7"), "not a multiple");
    assertError(GPT2.replace("\"model_type\": \"gpt2\"", "\"model_type\": \"llama\""), "only gpt2");
    assertError("{", "not valid JSON");
  }

  @Test
  void sizesOutOfIntRangeSayOutOfRangeNotMissing() throws IOException {
    assertError(GPT2.replace("\"n_embd\": 768", "\"n_embd\": 2147483648"), "n_embd 2147483648 is out of range (1..2147483647)");
    assertError(GPT2.replace("\"n_layer\": 12", "\"n_layer\": 0"), "n_layer 0 is out of range");
    assertError(GPT2.replace("\"vocab_size\": 50257", "\"vocab_size\": -1"), "vocab_size -1 is out of range");
    assertError(GPT2.replace("\"n_head\": 12", "\"n_head\": 1e3"), "n_head must be an integer, got 1000.0");
    assertError(GPT2.replace("\"n_head\": 12", "\"n_head\": \"12\""), "n_head must be an integer, got \"12\"");
    assertError(GPT2.replace("\"n_positions\": 1024", "\"n_positions\": null"), "missing field n_positions");
    // n_inner defaults to 4 * n_embd, which must not wrap around.
    assertError(GPT2.replace("\"n_embd\": 768", "\"n_embd\": 1073741824").replace("\"n_head\": 12", "\"n_head\": 1"),
        "n_embd 1073741824 is out of range: the default n_inner 4 * n_embd exceeds 2147483647");
    assertError(GPT2.replace("\"layer_norm_epsilon\": 1e-05", "\"layer_norm_epsilon\": \"tiny\""),
        "layer_norm_epsilon must be a number");
  }
}
