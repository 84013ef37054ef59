package org.featureatlas.sae;

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

/** A cfg.json whose sizes the weights file cannot hold is refused from the safetensors header. */
class SaeWeightsTest {
  /** Guards against a hang only; nothing is timed. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(20);

  @TempDir Path dir;

  private Path saeWith(Architecture arch, String field, String value) throws IOException {
    Path sae = dir.resolve("sae");
    SaeConfig cfg = new SaeConfig(arch, 8, 16, "blocks.0.hook_resid_pre", true, arch == Architecture.TOPK ? 4 : 0,
        null, "tiny");
    SaeWeights.random(cfg, 1).save(sae);
    Path file = sae.resolve(SaeConfig.FILE);
    String text = Files.readString(file);
    String patched = text.replaceFirst("\"" + field + "\" : [^,\\n]+", "\"" + field + "\" : " + value);
    assertTrue(!patched.equals(text), "fixture: no " + field + " in " + text);
    Files.writeString(file, patched);
    return sae;
  }

  private static String refused(Path sae) {
    return assertTimeoutPreemptively(HANG_GUARD,
        () -> assertThrows(AtlasException.class, () -> SaeWeights.load(sae)).getMessage());
  }

  @Test
  void absurdSizesAreRefusedByShape() throws IOException {
    Path sae = saeWith(Architecture.STANDARD, "d_sae", "2147483647");
    assertEquals(sae.resolve("sae_weights.safetensors") + ": tensor W_enc has shape [8, 16], expected [8, 2147483647]"
        + " from cfg.json (d_in 8, d_sae 2147483647)", refused(sae));
    sae = saeWith(Architecture.STANDARD, "d_in", "2000000000");
    assertTrue(refused(sae).contains("tensor W_enc has shape [8, 16], expected [2000000000, 16]"));
  }

  @Test
  void aJumpReluWithoutThresholdNamesTheTensor() throws IOException {
    Path sae = saeWith(Architecture.STANDARD, "architecture", "\"jumprelu\"");
    assertEquals(sae.resolve("sae_weights.safetensors") + ": missing tensor threshold", refused(sae));
  }

  @Test
  void aConsistentSaeLoads() throws IOException {
    Path sae = saeWith(Architecture.TOPK, "k", "5");
    SaeWeights w = SaeWeights.load(sae);
    assertEquals(5, w.config().k());
    assertEquals(16, w.bEnc().data().length);
  }
}
