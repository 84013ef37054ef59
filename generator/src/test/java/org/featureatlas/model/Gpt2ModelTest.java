package org.featureatlas.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.SafeTensorsWriter;
import org.featureatlas.reference.ReferenceGpt2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gpt2ModelTest {
  private static final int BATCH = 2;
  private static final int SEQ = 12;
  private static final double TOL = 1e-4;

  private static Set<HookPoint> allHooks(Gpt2Config c) {
    Set<HookPoint> all = new HashSet<>();
    for (int l = 0; l < c.nLayer(); l++) {
      for (HookSite s : EnumSet.allOf(HookSite.class)) {
        all.add(new HookPoint(l, s));
      }
    }
    return all;
  }

  /** Asserts {@code actual [batch, seq, width]} row {@code b} matches {@code expected [seq][width]}. */
  private static void assertClose(String what, double[][] expected, float[] actual, int b) {
    int seq = expected.length;
    int width = expected[0].length;
    double scale = 0;
    for (double[] row : expected) {
      for (double v : row) {
        scale = Math.max(scale, Math.abs(v));
      }
    }
    assertTrue(scale > 1e-3, what + ": reference values are all ~0, test would be vacuous");
    for (int t = 0; t < seq; t++) {
      for (int j = 0; j < width; j++) {
        double a = actual[(b * seq + t) * width + j];
        double e = expected[t][j];
        assertEquals(e, a, TOL * Math.max(1, Math.abs(e)), what + " batch " + b + " pos " + t + " unit " + j);
      }
    }
  }

  private static int[][] batchTokens(int vocab) {
    return new int[][] {TestModels.tokens(SEQ, vocab, 1), TestModels.tokens(SEQ, vocab, 2)};
  }

  private static NDArray tokenArray(NDManager m, int[][] tokens) {
    int[] flat = new int[BATCH * SEQ];
    for (int b = 0; b < BATCH; b++) {
      System.arraycopy(tokens[b], 0, flat, b * SEQ, SEQ);
    }
    return m.create(flat, new Shape(BATCH, SEQ));
  }

  private static void checkAgainstReference(Gpt2Weights w) {
    Gpt2Config c = w.config();
    int[][] tokens = batchTokens(c.vocabSize());
    try (NDManager root = NDManager.newBaseManager("PyTorch");
        Gpt2Model model = new Gpt2Model(w, root);
        NDManager batch = root.newSubManager()) {
      ForwardResult r = model.forward(tokenArray(batch, tokens), ForwardOptions.full(allHooks(c)));
      assertEquals(allHooks(c), r.hooks().keySet());
      for (int b = 0; b < BATCH; b++) {
        ReferenceGpt2.Trace ref = ReferenceGpt2.forward(w, tokens[b]);
        for (HookPoint h : allHooks(c)) {
          NDArray a = r.hook(h);
          assertEquals(new Shape(BATCH, SEQ, h.width(c)), a.getShape(), h.toString());
          assertClose(h.toString(), ref.hook(h), a.toFloatArray(), b);
        }
        assertClose("finalResid", ref.finalResid(), r.finalResid().toFloatArray(), b);
        assertEquals(new Shape(BATCH, SEQ, c.vocabSize()), r.logits().getShape());
        assertClose("logits", ref.logits(), r.logits().toFloatArray(), b);
      }
    }
  }

  @Test
  void everyHookFinalResidAndLogitsMatchFloat64Reference() {
    checkAgainstReference(TestModels.spicy(TestModels.smallConfig(), 11));
  }

  @Test
  void untiedLmHeadIsUsedForLogits() {
    Gpt2Weights base = TestModels.spicy(TestModels.smallConfig(), 12);
    Map<String, HostTensor> t = new TreeMap<>(base.all());
    HostTensor wte = base.get("wte.weight");
    float[] head = new float[wte.data().length];
    for (int i = 0; i < head.length; i++) {
      head[i] = (float) Math.sin(i * 0.37);
    }
    t.put("lm_head.weight", HostTensor.of(head, wte.shape()));
    Gpt2Weights w = Gpt2Weights.of(base.config(), t);
    assertEquals("lm_head.weight", w.unembedName());
    checkAgainstReference(w);
  }

  @Test
  void stopAfterEndsThePassAtTheHook() {
    Gpt2Weights w = TestModels.spicy(TestModels.smallConfig(), 13);
    int[][] tokens = batchTokens(50);
    ReferenceGpt2.Trace ref = ReferenceGpt2.forward(w, tokens[1]);
    try (NDManager root = NDManager.newBaseManager("PyTorch");
        Gpt2Model model = new Gpt2Model(w, root);
        NDManager batch = root.newSubManager()) {
      for (String name : new String[] {"blocks.0.hook_resid_pre", "blocks.1.mlp.hook_post", "blocks.1.hook_attn_out",
          "blocks.1.hook_resid_post"}) {
        HookPoint h = HookPoint.parse(name);
        ForwardResult r = model.forward(tokenArray(batch, tokens), ForwardOptions.upTo(h));
        assertEquals(Set.of(h), r.hooks().keySet());
        assertNull(r.finalResid(), name);
        assertNull(r.logits(), name);
        assertClose(name, ref.hook(h), r.hook(h).toFloatArray(), 1);
      }
      // Capturing an earlier hook along with stopAfter works; a later one is refused.
      HookPoint early = HookPoint.parse("blocks.0.hook_mlp_out");
      HookPoint stop = HookPoint.parse("blocks.1.hook_resid_mid");
      ForwardResult r = model.forward(tokenArray(batch, tokens),
          new ForwardOptions(Set.of(early, stop), stop, false));
      assertClose("early", ref.hook(early), r.hook(early).toFloatArray(), 1);
      assertThrows(IllegalArgumentException.class,
          () -> new ForwardOptions(Set.of(HookPoint.parse("blocks.1.hook_resid_post")), stop, false));
      assertThrows(AtlasException.class, () -> model.forward(tokenArray(batch, tokens),
          ForwardOptions.upTo(HookPoint.parse("blocks.2.hook_resid_pre"))));
    }
  }

  @Test
  void resultsLiveInTheTokensManagerNotTheModels() {
    Gpt2Weights w = TestModels.spicy(TestModels.smallConfig(), 14);
    try (NDManager root = NDManager.newBaseManager("PyTorch");
        Gpt2Model model = new Gpt2Model(w, root)) {
      int before = root.getManagedArrays().size();
      assertTrue(before >= w.all().size(), "getManagedArrays must see the model's parameters");
      try (NDManager batch = root.newSubManager()) {
        ForwardResult r = model.forward(tokenArray(batch, batchTokens(50)), ForwardOptions.full(allHooks(w.config())));
        assertTrue(r.logits().getManager() == batch);
        assertTrue(r.finalResid().getManager() == batch);
        for (NDArray a : r.hooks().values()) {
          assertTrue(a.getManager() == batch);
        }
      }
      assertEquals(before, root.getManagedArrays().size(), "forward left arrays behind in the model's manager");
      // Temporaries are freed as the pass goes: the batch manager holds only tokens and results.
      try (NDManager batch = root.newSubManager()) {
        NDArray tokens = tokenArray(batch, batchTokens(50));
        ForwardResult r = model.forward(tokens, ForwardOptions.full(Set.of(HookPoint.parse("blocks.0.hook_resid_post"))));
        assertEquals(4, batch.getManagedArrays().size(), "tokens, one hook, finalResid, logits");
        r = model.forward(tokens, ForwardOptions.upTo(HookPoint.parse("blocks.1.mlp.hook_post")));
        assertEquals(5, batch.getManagedArrays().size(), "plus one hook");
        assertEquals(new Shape(BATCH, SEQ, 80), r.hook(HookPoint.parse("blocks.1.mlp.hook_post")).getShape());
      }
    }
  }

  @Test
  void sequenceLongerThanPositionsIsRefused() {
    Gpt2Weights w = Gpt2Weights.random(TestModels.smallConfig(), 1);
    try (NDManager root = NDManager.newBaseManager("PyTorch");
        Gpt2Model model = new Gpt2Model(w, root)) {
      NDArray tokens = root.create(new int[17], new Shape(1, 17));
      AtlasException e = assertThrows(AtlasException.class, () -> model.forward(tokens, ForwardOptions.full()));
      assertTrue(e.getMessage().contains("n_positions"), e.getMessage());
    }
  }

  /** Loss = sum over positions and vocab of logits * fixed coefficients, in float64. */
  private static double referenceLoss(Gpt2Weights w, int[][] tokens, double[] coef) {
    double loss = 0;
    int k = 0;
    for (int[] seq : tokens) {
      for (double[] row : ReferenceGpt2.forward(w, seq).logits()) {
        for (double v : row) {
          loss += v * coef[k++];
        }
      }
    }
    return loss;
  }

  @Test
  void gradientsMatchFiniteDifferencesOfTheReference() {
    Gpt2Weights w = TestModels.spicy(TestModels.smallConfig(), 15);
    int[][] tokens = batchTokens(50);
    double[] coef = new double[BATCH * SEQ * 50];
    for (int i = 0; i < coef.length; i++) {
      coef[i] = Math.cos(i * 0.11);
    }
    float[] coefF = new float[coef.length];
    for (int i = 0; i < coef.length; i++) {
      coefF[i] = (float) coef[i];
    }
    String[] names = {"wte.weight", "wpe.weight", "h.0.ln_1.weight", "h.0.attn.c_attn.weight",
        "h.1.mlp.c_fc.bias", "h.1.mlp.c_proj.weight", "ln_f.bias"};
    int[] indices = {tokens[0][3] * 32 + 5, 2 * 32 + 7, 9, 3 * 96 + 40, 17, 5 * 32 + 2, 4};
    Map<String, float[]> grads = new TreeMap<>();
    try (NDManager root = NDManager.newBaseManager("PyTorch");
        Gpt2Model model = new Gpt2Model(w, root)) {
      for (NDArray p : model.params().values()) {
        p.setRequiresGradient(true);
      }
      try (NDManager batch = root.newSubManager();
          GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        ForwardResult r = model.forward(tokenArray(batch, tokens), ForwardOptions.full());
        NDArray loss = r.logits().mul(batch.create(coefF, r.logits().getShape())).sum();
        gc.backward(loss);
        for (String n : names) {
          grads.put(n, model.param(n).getGradient().toFloatArray());
        }
      }
    }
    double h = 1e-3;
    for (int i = 0; i < names.length; i++) {
      float[] data = w.get(names[i]).data();
      float saved = data[indices[i]];
      data[indices[i]] = saved + (float) h;
      double up = referenceLoss(w, tokens, coef);
      data[indices[i]] = saved - (float) h;
      double down = referenceLoss(w, tokens, coef);
      data[indices[i]] = saved;
      double fd = (up - down) / (2 * h);
      double g = grads.get(names[i])[indices[i]];
      assertTrue(Math.abs(fd) > 1e-3, names[i] + ": finite difference ~0, pick another element");
      assertEquals(fd, g, 2e-2 * Math.max(1, Math.abs(fd)), names[i] + "[" + indices[i] + "]");
    }
  }

  @Test
  void transformerPrefixAndExtraBuffersLoad(@TempDir Path dir) {
    Gpt2Weights w = TestModels.spicy(TestModels.smallConfig(), 16);
    Map<String, HostTensor> prefixed = new TreeMap<>();
    for (var e : w.all().entrySet()) {
      prefixed.put("transformer." + e.getKey(), e.getValue());
    }
    prefixed.put("transformer.h.0.attn.bias", HostTensor.of(new float[16 * 16], 1, 1, 16, 16));
    prefixed.put("transformer.h.1.attn.masked_bias", HostTensor.of(new float[] {-1e4f}));
    w.config().write(dir.resolve("config.json"));
    SafeTensorsWriter.write(dir.resolve("model.safetensors"), prefixed, false, Map.of());
    Gpt2Weights loaded = Gpt2Weights.load(dir);
    assertEquals(w.all().keySet(), loaded.all().keySet());
    for (String n : w.all().keySet()) {
      assertTrue(Arrays.equals(w.get(n).data(), loaded.get(n).data()), n);
    }
    checkAgainstReference(loaded);
  }

  @Test
  void saveLoadRoundTripF32ExactF16Close(@TempDir Path dir) {
    Gpt2Weights w = TestModels.spicy(TestModels.smallConfig(), 17);
    w.save(dir.resolve("f32"), false);
    Gpt2Weights a = Gpt2Weights.load(dir.resolve("f32"));
    assertEquals(w.config(), a.config());
    for (String n : w.all().keySet()) {
      assertTrue(Arrays.equals(w.get(n).data(), a.get(n).data()), n);
    }
    w.save(dir.resolve("f16"), true);
    Gpt2Weights b = Gpt2Weights.load(dir.resolve("f16"));
    for (String n : w.all().keySet()) {
      float[] x = w.get(n).data();
      float[] y = b.get(n).data();
      for (int i = 0; i < x.length; i++) {
        assertEquals(x[i], y[i], Math.abs(x[i]) / 1000 + 1e-7, n);
      }
    }
  }

  @Test
  void loadErrorsNameFileTensorAndShapes(@TempDir Path dir) {
    Gpt2Weights w = Gpt2Weights.random(TestModels.smallConfig(), 3);
    w.config().write(dir.resolve("config.json"));
    Path file = dir.resolve("model.safetensors");

    Map<String, HostTensor> missing = new TreeMap<>(w.all());
    missing.remove("h.1.mlp.c_fc.bias");
    SafeTensorsWriter.write(file, missing, false, Map.of());
    String msg = assertThrows(AtlasException.class, () -> Gpt2Weights.load(dir)).getMessage();
    assertTrue(msg.startsWith(file.toString()) && msg.contains("h.1.mlp.c_fc.bias") && msg.contains("[80]"), msg);

    Map<String, HostTensor> wrong = new TreeMap<>(w.all());
    wrong.put("h.0.attn.c_proj.weight", HostTensor.of(new float[32 * 31], 32, 31));
    SafeTensorsWriter.write(file, wrong, false, Map.of());
    msg = assertThrows(AtlasException.class, () -> Gpt2Weights.load(dir)).getMessage();
    assertTrue(msg.startsWith(file.toString()) && msg.contains("h.0.attn.c_proj.weight")
        && msg.contains("[32, 31]") && msg.contains("[32, 32]"), msg);

    Map<String, HostTensor> nan = new TreeMap<>(w.all());
    float[] bad = w.get("ln_f.bias").data().clone();
    bad[3] = Float.NaN;
    nan.put("ln_f.bias", HostTensor.of(bad, 32));
    SafeTensorsWriter.write(file, nan, false, Map.of());
    // The values are read when the model is built (one tensor at a time), and checked there.
    Gpt2Weights lazy = Gpt2Weights.load(dir);
    try (NDManager manager = NDManager.newBaseManager()) {
      msg = assertThrows(AtlasException.class, () -> lazy.newModel(manager)).getMessage();
    }
    assertTrue(msg.startsWith(file.toString()) && msg.contains("ln_f.bias") && msg.contains("NaN")
        && msg.contains("flat index 3"), msg);
    assertTrue(!msg.contains("\n"));
    msg = assertThrows(AtlasException.class, () -> lazy.get("ln_f.bias")).getMessage();
    assertTrue(msg.startsWith(file.toString()) && msg.contains("ln_f.bias") && msg.contains("NaN"), msg);
  }

  @Test
  void randomWeightsAreDeterministic() {
    Gpt2Weights a = Gpt2Weights.random(TestModels.smallConfig(), 5);
    Gpt2Weights b = Gpt2Weights.random(TestModels.smallConfig(), 5);
    Gpt2Weights c = Gpt2Weights.random(TestModels.smallConfig(), 6);
    assertTrue(Arrays.equals(a.get("h.1.attn.c_attn.weight").data(), b.get("h.1.attn.c_attn.weight").data()));
    assertTrue(!Arrays.equals(a.get("h.1.attn.c_attn.weight").data(), c.get("h.1.attn.c_attn.weight").data()));
    assertEquals(1f, a.get("h.0.ln_2.weight").data()[7]);
    assertEquals(0f, a.get("ln_f.bias").data()[7]);
    assertNotNull(a.unembed());
    assertTrue(a.unembed() == a.get("wte.weight"));
  }
}
