package org.featureatlas.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaeConfigTest {
  @TempDir Path dir;

  private SaeConfig read(String json) throws IOException {
    Path f = dir.resolve("cfg.json");
    Files.writeString(f, json);
    return SaeConfig.read(f);
  }

  @Test
  void saeLensV6Config() throws IOException {
    SaeConfig c = read("""
        {"d_in": 768, "d_sae": 24576, "dtype": "float32", "device": "cpu",
         "apply_b_dec_to_input": true, "normalize_activations": "none", "reshape_activations": "none",
         "architecture": "standard",
         "metadata": {"sae_lens_version": "6.5.1", "model_name": "gpt2-small",
           "hook_name": "blocks.8.hook_resid_pre", "hook_head_index": null, "context_size": 128,
           "model_from_pretrained_kwargs": {"center_writing_weights": false}}}
        """);
    assertEquals(Architecture.STANDARD, c.architecture());
    assertEquals(768, c.dIn());
    assertEquals(24576, c.dSae());
    assertEquals("blocks.8.hook_resid_pre", c.hookName());
    assertEquals("gpt2-small", c.modelName());
    assertTrue(c.applyBDecToInput());
    assertEquals(Boolean.FALSE, c.centerWritingWeights());
    assertFalse(c.centringApplies());
    assertEquals(0, c.k());
  }

  @Test
  void oldFlatConfigWithHookPointAndNoKwargs() throws IOException {
    SaeConfig c = read("""
        {"model_name": "gpt2-small", "hook_point": "blocks.3.mlp.hook_post", "hook_point_layer": 3,
         "d_in": 3072, "d_sae": 100, "apply_b_dec_to_input": false, "lr": 0.0004}
        """);
    assertEquals("blocks.3.mlp.hook_post", c.hookName());
    assertFalse(c.applyBDecToInput());
    assertNull(c.centerWritingWeights());
    assertTrue(c.centringApplies());
    assertEquals(Architecture.STANDARD, c.architecture());
  }

  @Test
  void flatHookNameKwargsWithoutTheKeyMeanCentring() throws IOException {
    SaeConfig c = read("""
        {"hook_name": "blocks.0.hook_mlp_out", "d_in": 8, "d_sae": 16, "architecture": "jumprelu",
         "model_from_pretrained_kwargs": {"fold_ln": true}}
        """);
    assertEquals(Architecture.JUMPRELU, c.architecture());
    assertEquals(Boolean.TRUE, c.centerWritingWeights());
    assertTrue(c.applyBDecToInput());
    c = read("""
        {"hook_name": "blocks.0.hook_mlp_out", "d_in": 8, "d_sae": 16,
         "model_from_pretrained_kwargs": {"center_writing_weights": false}}
        """);
    assertEquals(Boolean.FALSE, c.centerWritingWeights());
  }

  @Test
  void topkFromEitherPlace() throws IOException {
    assertEquals(7, read("""
        {"architecture": "topk", "k": 7, "d_in": 8, "d_sae": 16, "metadata": {"hook_name": "blocks.0.hook_resid_post"}}
        """).k());
    assertEquals(5, read("""
        {"architecture": "topk", "activation_fn_kwargs": {"k": 5}, "d_in": 8, "d_sae": 16,
         "hook_point": "blocks.0.hook_resid_post"}
        """).k());
  }

  @Test
  void writeThenReadIsIdentity() {
    for (SaeConfig c : new SaeConfig[] {
        new SaeConfig(Architecture.TOPK, 32, 64, "blocks.1.hook_resid_mid", false, 4, Boolean.FALSE, "tiny"),
        new SaeConfig(Architecture.JUMPRELU, 80, 40, "blocks.0.mlp.hook_post", true, 0, null, null)}) {
      Path f = dir.resolve("w.json");
      c.write(f);
      assertEquals(c, SaeConfig.read(f));
    }
  }

  private void assertError(String json, String part) throws IOException {
    Path f = dir.resolve("cfg.json");
    Files.writeString(f, json);
    String msg = assertThrows(AtlasException.class, () -> SaeConfig.read(f)).getMessage();
    assertTrue(msg.startsWith(f + ": ") && msg.contains(part), msg);
    assertFalse(msg.contains("\n"), msg);
  }

  @Test
  void badConfigs() throws IOException {
    assertError("{\"d_in\": 8, \"d_sae\": 16}", "no hook name");
    assertError("{\"hook_name\": \"blocks.0.hook_resid_pre\", \"d_sae\": 16}", "d_in");
    assertError("{\"hook_name\": \"blocks.0.hook_resid_pre\", \"d_in\": 8, \"d_sae\": 16, \"architecture\": \"gated\"}",
        "unsupported SAE architecture 'gated'");
    assertError("{\"hook_name\": \"blocks.0.hook_resid_pre\", \"d_in\": 8, \"d_sae\": 16, \"architecture\": \"topk\"}",
        "without k");
    assertError("{\"hook_name\": \"blocks.0.hook_resid_pre\", \"d_in\": 8, \"d_sae\": 16,"
        + " \"normalize_activations\": \"layer_norm\"}", "normalize_activations \"layer_norm\" is not supported");
    assertError("{\"hook_name\": ", "not valid JSON");
  }

  private static final String HOOK = "{\"hook_name\": \"blocks.0.hook_resid_pre\", ";

  @Test
  void topkKMustBeAPositiveInteger() throws IOException {
    assertError(HOOK + "\"d_in\": 8, \"d_sae\": 16, \"architecture\": \"topk\", \"k\": 0}",
        "topk SAE: k must be >= 1, got 0");
    assertError(HOOK + "\"d_in\": 8, \"d_sae\": 16, \"architecture\": \"topk\", \"k\": -3}",
        "topk SAE: k must be >= 1, got -3");
    assertError(HOOK + "\"d_in\": 8, \"d_sae\": 16, \"architecture\": \"topk\", \"activation_fn_kwargs\": {\"k\": 0}}",
        "topk SAE: activation_fn_kwargs.k must be >= 1, got 0");
    assertError(HOOK + "\"d_in\": 8, \"d_sae\": 16, \"architecture\": \"topk\", \"k\": \"four\"}",
        "topk SAE: k must be an integer, got \"four\"");
    assertError(HOOK + "\"d_in\": 8, \"d_sae\": 16, \"architecture\": \"topk\", \"k\": 17}",
        "k must be in 1..16, got 17");
  }

  @Test
  void sizesOutOfIntRangeSayOutOfRange() throws IOException {
    assertError(HOOK + "\"d_in\": 8, \"d_sae\": 2147483648}", "d_sae 2147483648 is out of range (1..2147483647)");
    assertError(HOOK + "\"d_in\": 0, \"d_sae\": 16}", "d_in 0 is out of range");
    assertError(HOOK + "\"d_in\": -8, \"d_sae\": 16}", "d_in -8 is out of range");
    assertError(HOOK + "\"d_in\": 8.5, \"d_sae\": 16}", "d_in must be an integer, got 8.5");
    assertError(HOOK + "\"d_in\": null, \"d_sae\": 16}", "missing field d_in");
  }
}
