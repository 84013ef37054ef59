package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import org.featureatlas.model.LanguageModel;
import org.featureatlas.model.ModelWeights;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoders' Java copies are let go once the device holds them, and nothing later needs them; the model never
 * has a Java copy (its values are read when it is built: WeightSourceTest), and its loaded header is let go too.
 */
class AtlasInputsTest {
  @TempDir
  Path dir;

  @Test
  void theJavaCopiesOfTheWeightsBecomeGarbageOnceOnTheDevice() {
    TinyInputs tiny = new TinyInputs(dir, "blocks.0.hook_resid_post", Architecture.JUMPRELU, 4, 8, 5);
    AtlasInputs in = AtlasInputs.load(GenerationMemoryTest.request(tiny));
    WeakReference<ModelWeights> model = new WeakReference<>(in.modelWeights().get());
    WeakReference<SaeWeights> encoder = new WeakReference<>(in.encoderWeights());
    WeakReference<SaeWeights> encoderB = new WeakReference<>(in.encoderBWeights());
    assertNotNull(encoderB.get());
    int dSae = in.dSae();
    try (NDManager manager = NDManager.newBaseManager(); LanguageModel m = in.newModel(manager)) {
      assertEquals(in.modelConfig().vocabSize(), m.config().vocabSize());
      assertTrue(in.modelWeights().released());
      assertThrows(IllegalStateException.class, () -> in.modelWeights().get());
      in.releaseEncoders();
      assertThrows(IllegalStateException.class, in::encoderWeights);
      assertThrows(IllegalStateException.class, in::encoderBWeights);
      // What the stages after pass A read is still there.
      assertEquals(dSae, in.dSae());
      assertEquals((long) dSae * in.dIn(), in.wDec().data().length);
      assertTrue(in.modelParameters() > 0 && in.saeParameters() > 0);
      for (int i = 0; i < 50 && (model.get() != null || encoder.get() != null || encoderB.get() != null); i++) {
        System.gc();
        byte[] pressure = new byte[1 << 20];
        assertEquals(0, pressure[0]);
      }
      assertNull(model.get(), "the model's Java weights are still reachable");
      assertNull(encoder.get(), "encoder A's Java weights are still reachable");
      assertNull(encoderB.get(), "encoder B's Java weights are still reachable");
    }
  }
}
