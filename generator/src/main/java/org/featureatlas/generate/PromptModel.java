package org.featureatlas.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.model.ForwardOptions;
import org.featureatlas.model.HookPoint;
import org.featureatlas.model.LanguageModel;
import org.featureatlas.model.ModelConfig;
import org.featureatlas.model.ModelWeights;
import org.featureatlas.model.Models;
import org.featureatlas.sae.SaeEncoder;
import org.featureatlas.sae.SaeWeights;
import org.featureatlas.tokenize.AtlasTokenizer;

/**
 * The model and SAE of the prompt view ({@code atlas preview --model DIR --sae DIR}): a text is tokenized as
 * generation tokenizes text input (the model's {@code tokenizer.json}, BOS first where the tokenizer defines one),
 * run through the model up to the SAE's hook (the same forward pass, hook, centring rule and encoder as pass A),
 * and encoded. BOS positions are left out as generation leaves them out by default (all activations 0) unless
 * {@code keepBos}. One text at a time: {@link #run} is synchronized (the server queues in front of it).
 */
public final class PromptModel implements AutoCloseable {
  /** Dense activations held at once while the top lists are formed: rows of d_sae floats, about 64 MiB. */
  static final long CHUNK_FLOATS = 1L << 24;

  private final NDManager manager;
  private final LanguageModel model;
  private final SaeEncoder encoder;
  private final AtlasTokenizer tokenizer;
  private final HookPoint hook;
  private final boolean centre;
  private final boolean excludeBos;
  private final ModelConfig config;
  private final int dSae;
  private final int dIn;
  private final String modelName;
  private final String saeName;

  private PromptModel(NDManager manager, LanguageModel model, SaeEncoder encoder, AtlasTokenizer tokenizer, HookPoint hook,
      boolean centre, boolean excludeBos, ModelConfig config, int dSae, int dIn, String modelName, String saeName) {
    this.manager = manager;
    this.model = model;
    this.encoder = encoder;
    this.tokenizer = tokenizer;
    this.hook = hook;
    this.centre = centre;
    this.excludeBos = excludeBos;
    this.config = config;
    this.dSae = dSae;
    this.dIn = dIn;
    this.modelName = modelName;
    this.saeName = saeName;
  }

  /**
   * Loads the model, SAE and tokenizer ({@code modelDir/tokenizer.json}, required) on {@code device} (auto, cpu, gpu).
   * {@code centre} overrides the centring rule as {@code generate --center-writing-weights} does (null: the rule).
   */
  public static PromptModel load(Path modelDir, Path saeDir, Boolean centre, boolean keepBos, String device) {
    Check.directory(modelDir);
    Check.directory(saeDir);
    Path tokenizerFile = modelDir.resolve(AtlasInputs.TOKENIZER);
    Check.that(Files.isRegularFile(tokenizerFile), tokenizerFile + ": no such file (the prompt view tokenizes text with the model's tokenizer.json)");
    ModelWeights weights = Models.load(modelDir);
    ModelConfig cfg = weights.config();
    SaeWeights sae = SaeWeights.load(saeDir);
    HookPoint hook = AtlasInputs.hookOf(sae, saeDir, cfg, modelDir);
    AtlasTokenizer tokenizer = AtlasTokenizer.load(tokenizerFile);
    NDManager manager = NDManager.newBaseManager(Generation.device(device));
    try {
      LanguageModel model = weights.newModel(manager);
      SaeEncoder encoder = new SaeEncoder(sae, manager);
      return new PromptModel(manager, model, encoder, tokenizer, hook, AtlasInputs.centres(centre, sae.config(), hook, cfg),
          !keepBos, cfg, sae.config().dSae(), sae.config().dIn(), name(modelDir), name(saeDir));
    } catch (RuntimeException e) {
      manager.close();
      tokenizer.close();
      throw e;
    }
  }

  private static String name(Path dir) {
    Path n = dir.toAbsolutePath().normalize().getFileName();
    return n == null ? dir.toString() : n.toString();
  }

  /** What one text gave: its token ids, each token's top features and the chosen feature's activations. */
  public record Result(int[] ids, boolean[] bos, List<List<Activation>> top, int feature, float[] acts) {}

  /** One feature's activation at one token. */
  public record Activation(int feature, float act) {}

  /** A text the model cannot take (too many tokens for its context); the server answers 413. */
  public static final class TooLong extends RuntimeException {
    TooLong(String message) {
      super(message);
    }
  }

  /**
   * Runs {@code text}: each token's {@code topK} features by activation (descending, ties by lower feature, only
   * active ones), and the activations of {@code feature} at every token; {@code feature} -1 chooses the feature
   * with the largest activation anywhere in the text (ties by lower feature; 0 when none is active).
   */
  public Result run(String text, int topK, int feature) {
    return run(text, topK, feature, CHUNK_FLOATS);
  }

  /** {@link #run(String, int, int)} with at most {@code chunkFloats} dense activations at once (tests use small chunks). */
  synchronized Result run(String text, int topK, int feature, long chunkFloats) {
    Check.that(feature >= -1 && feature < dSae, "feature " + feature + " is not one of the SAE's " + dSae);
    int[] textIds = tokenizer.encode(text);
    int bosId = tokenizer.bosId();
    int n = textIds.length + (bosId >= 0 ? 1 : 0);
    if (n > config.context()) {
      throw new TooLong("the text is " + n + " tokens, more than the model's context of " + config.context());
    }
    Check.that(n > 0, "the text is empty");
    int[] ids = new int[n];
    if (bosId >= 0) ids[0] = bosId;
    System.arraycopy(textIds, 0, ids, n - textIds.length, textIds.length);
    boolean[] bos = new boolean[n];
    for (int t = 0; t < n; t++) bos[t] = ids[t] == bosId && bosId >= 0;
    BoundedTopK top = new BoundedTopK(n, topK, BoundedTopK.Order.LARGEST, false);
    float[] best = new float[n]; // each row's largest activation, for choosing the feature
    int[] bestFeature = new int[n];
    float[] only = null; // the dense activations when they fit in one chunk
    int rowsPerChunk = (int) Math.max(1, Math.min(n, chunkFloats / Math.max(1, dSae)));
    try (NDManager m = manager.newSubManager()) {
      NDArray tokens = m.create(ids, new Shape(1, n)); // [1, n]
      NDArray act = model.forward(tokens, ForwardOptions.upTo(hook)).hooks().get(hook).reshape(n, dIn); // [n, dIn]
      if (centre) {
        act = act.sub(act.mean(new int[] {1}, true)); // [n, dIn]
      }
      for (int from = 0; from < n; from += rowsPerChunk) {
        int to = Math.min(n, from + rowsPerChunk);
        float[] f = encode(act, from, to, bos);
        for (int t = from; t < to; t++) {
          int row = (t - from) * dSae;
          bestFeature[t] = -1;
          for (int j = 0; j < dSae; j++) {
            float v = f[row + j];
            if (!Float.isFinite(v)) throw new AtlasException("feature activations are not finite (the weights overflow float32?)");
            if (v > 0) {
              top.offer(t, v, j);
              if (v > best[t]) {
                best[t] = v;
                bestFeature[t] = j;
              }
            }
          }
        }
        if (to - from == n) only = f;
      }
      int chosen = feature;
      if (chosen < 0) {
        chosen = 0;
        float most = 0;
        for (int t = 0; t < n; t++) {
          if (bestFeature[t] >= 0 && (best[t] > most || (best[t] == most && bestFeature[t] < chosen))) {
            most = best[t];
            chosen = bestFeature[t];
          }
        }
      }
      float[] acts = new float[n];
      for (int from = 0; from < n; from += rowsPerChunk) { // several chunks: encoded again for the chosen feature
        int to = Math.min(n, from + rowsPerChunk);
        float[] f = only != null ? only : encode(act, from, to, bos);
        for (int t = from; t < to; t++) acts[t] = f[(t - from) * dSae + chosen];
      }
      List<List<Activation>> lists = new ArrayList<>(n);
      for (int q = 0; q < n; q++) {
        List<Activation> row = new ArrayList<>(top.size(q));
        for (int r = 0; r < top.size(q); r++) row.add(new Activation((int) top.id(q, r), (float) top.score(q, r)));
        lists.add(row);
      }
      return new Result(ids, bos, lists, chosen, acts);
    }
  }

  /** The dense activations of rows {@code from..to} of {@code act} [n, dIn], BOS rows emptied when they are left out. */
  private float[] encode(NDArray act, int from, int to, boolean[] bos) {
    float[] f = encoder.encode(act.get(new NDIndex(from + ":" + to))).toFloatArray(); // [rows, dSae]
    for (int t = from; t < to; t++) {
      if (excludeBos && bos[t]) {
        java.util.Arrays.fill(f, (t - from) * dSae, (t - from + 1) * dSae, 0f); // as generation leaves BOS positions out
      }
    }
    return f;
  }

  public int dSae() {
    return dSae;
  }

  /** The display string of every id of the model's vocabulary, as generation writes them to vocab.json. */
  public List<String> displayVocab() {
    return AtlasInputs.displayVocab(tokenizer, config.vocabSize());
  }

  public HookPoint hook() {
    return hook;
  }

  public String modelName() {
    return modelName;
  }

  public String saeName() {
    return saeName;
  }

  public boolean excludesBos() {
    return excludeBos;
  }

  @Override
  public void close() {
    try {
      model.close();
      encoder.close();
    } finally {
      manager.close();
      tokenizer.close();
    }
  }
}
