package org.featureatlas.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.featureatlas.check.AtlasException;
import org.featureatlas.reference.ReferenceNeox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPT-NeoX (Pythia) loaded from Hugging Face layouts against the float64 {@link ReferenceNeox}: every hook, the
 * final residual and the logits agree to 1e-4 (relative above 1), with parallel and sequential residuals and
 * partial or full rotary; bad configs are one line.
 */
class NeoxModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private static void check(TestFamilies.Written w) {
    ReferenceNeox.Spec spec = ReferenceNeox.Spec.of(w.config());
    Gemma2ModelTest.checkAgainstReference(w.dir(), NeoxWeights.class, spec.vocab(),
        t -> ReferenceNeox.forward(spec, w.tensors(), t));
  }

  @Test
  void pythiaParallelResidualQuarterRotaryF16MatchesReference() throws Exception {
    ObjectNode c = TestFamilies.neox(true, 0.25, 40); // head 8: 2 rotary dimensions
    TestFamilies.Written w = TestFamilies.write(dir.resolve("p"), c, TestFamilies.neoxShapes(c), 3, "F16", 1);
    check(w);
  }

  @Test
  void sequentialResidualFullRotaryShardedMatchesReference() throws Exception {
    ObjectNode c = TestFamilies.neox(false, 1.0, 30);
    c.put("rotary_emb_base", 500);
    TestFamilies.Written w = TestFamilies.write(dir.resolve("s"), c, TestFamilies.neoxShapes(c), 4, "F32", 2);
    check(w);
  }

  @Test
  void parallelModelsHaveNoResidMidAndAreLayerNormWithBias() throws Exception {
    ObjectNode c = TestFamilies.neox(true, 0.5, 30);
    TestFamilies.Written w = TestFamilies.write(dir.resolve("m"), c, TestFamilies.neoxShapes(c), 5, "F32", 1);
    ModelWeights weights = Models.load(w.dir());
    ModelConfig cfg = weights.config();
    assertFalse(cfg.hookSites().contains(HookSite.RESID_MID));
    assertEquals(NormKind.LAYER_NORM, cfg.normKind());
    assertEquals("hook blocks.1.hook_resid_mid: gpt_neox models with use_parallel_residual have no hook_resid_mid "
        + "(attention and MLP both read resid_pre, as in TransformerLens)",
        assertThrows(AtlasException.class, () -> HookPoint.parse("blocks.1.hook_resid_mid").checkIn(cfg)).getMessage());
    try (NDManager root = NDManager.newBaseManager("PyTorch");
        LanguageModel m = weights.newModel(root);
        NDManager batch = root.newSubManager()) {
      assertThrows(AtlasException.class, () -> m.forward(batch.create(new int[] {1, 2}, new Shape(1, 2)),
          ForwardOptions.upTo(HookPoint.parse("blocks.0.hook_resid_mid"))));
      assertEquals(NormKind.LAYER_NORM, m.finalNorm().kind());
      assertTrue(m.finalNorm().bias() != null);
      assertFalse(m.finalNorm().unitOffset());
    }
    ObjectNode seq = TestFamilies.neox(false, 0.5, 30);
    Path s = write("seq", seq);
    assertTrue(NeoxConfig.read(s.resolve("config.json")).hookSites().contains(HookSite.RESID_MID));
  }

  private Path write(String name, ObjectNode c) throws Exception {
    Path m = dir.resolve(name);
    Files.createDirectories(m);
    Files.writeString(m.resolve("config.json"), JSON.writeValueAsString(c));
    return m;
  }

  private static String refused(Path model) {
    return assertThrows(AtlasException.class, () -> Models.load(model)).getMessage();
  }

  @Test
  void badConfigsAndCheckpointsAreOneLine() throws Exception {
    for (String key : List.of("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
        "vocab_size", "max_position_embeddings")) {
      ObjectNode c = TestFamilies.neox(true, 0.25, 20);
      c.remove(key);
      Path m = write("missing-" + key, c);
      assertEquals(m.resolve("config.json") + ": missing field " + key, refused(m));
    }
    ObjectNode heads = TestFamilies.neox(true, 0.25, 20);
    heads.put("num_attention_heads", 5);
    Path h = write("heads", heads);
    assertEquals(h.resolve("config.json") + ": hidden_size 32 is not a multiple of num_attention_heads 5", refused(h));
    ObjectNode big = TestFamilies.neox(true, 1.5, 20);
    Path b = write("big", big);
    assertEquals(b.resolve("config.json") + ": rotary_pct 1.5 must be in (0, 1]", refused(b));
    ObjectNode zero = TestFamilies.neox(true, 0, 20);
    Path z = write("zero", zero);
    assertEquals(z.resolve("config.json") + ": rotary_pct must be a positive number, got 0.0", refused(z));
    ObjectNode odd = TestFamilies.neox(true, 0.375, 20); // 3 of 8 dimensions
    Path o = write("odd", odd);
    assertEquals(o.resolve("config.json") + ": rotary_pct 0.375 gives 3 rotary dimensions of a head of 8 "
        + "(must be even and at least 2)", refused(o));
    ObjectNode act = TestFamilies.neox(true, 0.25, 20);
    act.put("hidden_act", "relu");
    Path a = write("act", act);
    assertEquals(a.resolve("config.json") + ": hidden_act relu is not supported (gelu, gelu_new, gelu_pytorch_tanh)",
        refused(a));
    ObjectNode c = TestFamilies.neox(true, 0.25, 20);
    var shapes = TestFamilies.neoxShapes(c);
    shapes.remove("embed_out.weight");
    Path m = TestFamilies.write(dir.resolve("noout"), c, shapes, 1, "F32", 1).dir();
    assertEquals(m.resolve("model.safetensors") + ": missing tensor embed_out.weight (expected shape [20, 32]; "
        + "tie_word_embeddings is false)", refused(m));
    ObjectNode wrong = TestFamilies.neox(true, 0.25, 20);
    var ws = TestFamilies.neoxShapes(wrong);
    ws.put("gpt_neox.layers.0.attention.query_key_value.weight", new long[] {32, 32});
    Path wm = TestFamilies.write(dir.resolve("wrong"), wrong, ws, 1, "F32", 1).dir();
    assertEquals(wm.resolve("model.safetensors") + ": tensor gpt_neox.layers.0.attention.query_key_value.weight has "
        + "shape [32, 32], expected [96, 32] from config.json", refused(wm));
  }
}
