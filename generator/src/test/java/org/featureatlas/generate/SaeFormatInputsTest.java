package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.featureatlas.check.AtlasException;
import org.featureatlas.io.Npz;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeFormat;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation inputs load a Gemma Scope SAE folder: its hook from atlas.json, its files hashed. */
class SaeFormatInputsTest {
  @TempDir Path dir;

  @Test
  void gemmaScopeFolderLoadsAsGenerationInput() throws Exception {
    TinyInputs in = new TinyInputs(dir, "blocks.1.hook_resid_post", Architecture.JUMPRELU, 3, 8, 5);
    SaeWeights w = SaeWeights.load(in.sae);
    Path gs = dir.resolve("gemma-scope");
    Files.createDirectories(gs);
    Npz.writeFloats(gs.resolve("params.npz"), Map.of("W_enc", w.wEnc(), "W_dec", w.wDec(), "b_enc", w.bEnc(),
        "b_dec", w.bDec(), "threshold", w.threshold()));
    GenerateRequest req = new GenerateRequest(in.model, gs, null, in.tokens, null, null, "cpu", 5, 1L, null, null);
    String msg = assertThrows(AtlasException.class, () -> AtlasInputs.load(req)).getMessage();
    assertTrue(msg.startsWith(gs + ": Gemma Scope params.npz does not name its hook"), msg);

    Files.writeString(gs.resolve("atlas.json"), "{\"hook_name\": \"blocks.1.hook_resid_post\"}");
    AtlasInputs inputs = AtlasInputs.load(req);
    assertEquals(SaeFormat.GEMMA_SCOPE, inputs.encoderWeights().format());
    assertEquals("blocks.1.hook_resid_post", inputs.hook().toString());
    assertEquals(java.util.Set.of("atlas.json", "params.npz"), inputs.saeId().sha256().keySet());

    Files.writeString(gs.resolve("atlas.json"), "{\"hook_name\": \"blocks.9.hook_resid_post\"}");
    msg = assertThrows(AtlasException.class, () -> AtlasInputs.load(req)).getMessage();
    assertTrue(msg.startsWith(gs.resolve("atlas.json") + ": "), msg);
  }
}
