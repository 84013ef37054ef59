package org.featureatlas.generate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.IoErrors;
import org.featureatlas.check.Check;
import org.featureatlas.data.Identity;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.io.HostTensor;
import org.featureatlas.model.LanguageModel;
import ai.djl.ndarray.NDManager;
import org.featureatlas.model.HookPoint;
import org.featureatlas.model.ModelConfig;
import org.featureatlas.model.ModelWeights;
import org.featureatlas.model.Models;
import org.featureatlas.sae.SaeConfig;
import org.featureatlas.sae.SaeWeights;
import org.featureatlas.tokenize.AtlasTokenizer;

/**
 * The loaded, cross-checked inputs of a generation run, with the identity (sha256) of every file.
 *
 * <p>The model is held as its configuration and checked header only ({@link ModelWeights}): its values are read
 * when {@link #newModel} builds it on the device, one tensor at a time, so there is never a Java copy of the model.
 * The encoders' Java copies are held until pass A has run ({@link #encoderWeights}, {@link #releaseEncoders}).
 * What the later stages need (the configurations, the parameter counts, the decoders) is kept apart.
 */
record AtlasInputs(
    Path modelDir,
    Held<ModelWeights> modelWeights,
    ModelConfig modelConfig,
    long modelParameters,
    Path saeDir,
    SaeConfig saeConfig,
    HostTensor wDec,
    Held<SaeWeights> encoder,
    long saeParameters,
    Path saeBDir,
    SaeConfig saeBConfig,
    HostTensor wDecB,
    Held<SaeWeights> encoderB,
    TokenDataset dataset,
    List<String> displayVocab,
    HookPoint hook,
    boolean centre,
    Identity modelId,
    Identity saeId,
    Identity saeBId,
    Identity datasetId,
    int bosId) {

  static final String TOKENIZER = "tokenizer.json";

  int dIn() {
    return saeConfig.dIn();
  }

  int dSae() {
    return saeConfig.dSae();
  }

  int dSaeB() {
    return saeBConfig == null ? 0 : saeBConfig.dSae();
  }

  /** The model on the device of {@code manager}, read from its checkpoint now; the loaded header is released. */
  LanguageModel newModel(NDManager manager) {
    LanguageModel model = modelWeights.get().newModel(manager);
    modelWeights.release();
    return model;
  }

  /** The encoders' weights (A, and B or null) for pass A; {@link #releaseEncoders} once they are on the device. */
  SaeWeights encoderWeights() {
    return encoder.get();
  }

  SaeWeights encoderBWeights() {
    return encoderB == null ? null : encoderB.get();
  }

  /** Drops the Java copies of the encoders' weights (after pass A, or at once for a merge). */
  void releaseEncoders() {
    encoder.release();
    if (encoderB != null) encoderB.release();
  }

  static AtlasInputs load(GenerateRequest req) {
    Check.directory(req.model());
    ModelWeights weights = Models.load(req.model());
    ModelConfig cfg = weights.config();
    SaeWeights sae = SaeWeights.load(req.sae());
    HookPoint hook = hookOf(sae, req.sae(), cfg, req.model());
    SaeWeights saeB = null;
    if (req.saeB() != null) {
      saeB = SaeWeights.load(req.saeB());
      HookPoint hookB = hookOf(saeB, req.saeB(), cfg, req.model());
      Check.file(hookB.equals(hook), req.saeB().resolve(saeB.hookFile()),
          "encoder B is on " + hookB + " but encoder A is on " + hook + " (both must read the same hook)");
    }
    Path tokenizerFile = req.model().resolve(TOKENIZER);
    AtlasTokenizer tokenizer = Files.isRegularFile(tokenizerFile) ? AtlasTokenizer.load(tokenizerFile) : null;
    TokenDataset dataset;
    Path source;
    if (req.tokens() != null) {
      source = Check.readableFile(req.tokens());
      dataset = TokenDataset.fromNpy(source);
    } else {
      source = Check.readableFile(req.text());
      Check.that(tokenizer != null, tokenizerFile + ": no such file (text input needs the model's tokenizer.json)");
      dataset = TokenDataset.fromText(source, tokenizer, req.seqLen());
    }
    dataset.validate(source, cfg.vocabSize(), cfg.context());
    List<String> vocab = displayVocab(tokenizer, cfg.vocabSize());
    // The BOS positions generation leaves out (ExcludedPositions): the tokenizer's BOS, for .npy input too.
    int bosId = tokenizer == null ? -1 : tokenizer.bosId();
    if (tokenizer != null) tokenizer.close();
    // TransformerLens centres writing weights of LayerNorm models only (feature-math.md section 6).
    boolean centre = centres(req.centre(), sae.config(), hook, cfg);
    List<String> modelFiles = new ArrayList<>(weights.files());
    modelFiles.add(TOKENIZER);
    modelFiles.add(AtlasTokenizer.CONFIG_FILE); // it decides the BOS token
    return new AtlasInputs(req.model(), new Held<>("the model's weights", weights), cfg, weights.parameterCount(),
        req.sae(), sae.config(), sae.wDec(), new Held<>("encoder A's weights", sae), parameters(sae) + parameters(saeB),
        req.saeB(), saeB == null ? null : saeB.config(), saeB == null ? null : saeB.wDec(), saeB == null ? null : new Held<>("encoder B's weights", saeB),
        dataset, vocab, hook, centre,
        identity(req.model(), modelFiles),
        identity(req.sae(), sae.files()),
        req.saeB() == null ? null : identity(req.saeB(), saeB.files()),
        datasetIdentity(source), bosId);
  }

  /**
   * Whether the hook activations are mean-centred before encoding: {@code override} when given, else the
   * TransformerLens rule (feature-math.md section 6: residual-stream hooks of LayerNorm models, when the SAE asks).
   */
  static boolean centres(Boolean override, SaeConfig sae, HookPoint hook, ModelConfig cfg) {
    return override != null ? override : sae.centringApplies() && hook.writesResidual() && cfg.normKind().centres();
  }

  /** The parameter count of an SAE (0 for none). */
  private static long parameters(SaeWeights w) {
    if (w == null) return 0;
    long n = (long) w.wEnc().data().length + w.wDec().data().length + w.bEnc().data().length + w.bDec().data().length;
    return w.threshold() == null ? n : n + w.threshold().data().length;
  }

  static HookPoint hookOf(SaeWeights sae, Path saeDir, ModelConfig cfg, Path modelDir) {
    Path cfgFile = saeDir.resolve(sae.hookFile());
    HookPoint hook;
    try {
      hook = HookPoint.parse(sae.config().hookName());
      hook.checkIn(cfg);
    } catch (AtlasException e) {
      throw new AtlasException(cfgFile + ": " + e.getMessage() + " (model " + modelDir + ")", e);
    }
    int width = hook.width(cfg);
    Check.file(sae.config().dIn() == width, cfgFile, "d_in " + sae.config().dIn() + " does not match " + hook
        + " of the model in " + modelDir + ", which has width " + width);
    return hook;
  }

  /** Display strings for ids 0..vocabSize-1: the tokenizer's, or {@code <id>} where it has none. */
  static List<String> displayVocab(AtlasTokenizer tokenizer, int vocabSize) {
    List<String> fromTokenizer = tokenizer == null ? List.of() : tokenizer.displayVocab();
    List<String> out = new ArrayList<>(vocabSize);
    for (int id = 0; id < vocabSize; id++) {
      String s = id < fromTokenizer.size() ? fromTokenizer.get(id) : null;
      out.add(s == null ? "<" + id + ">" : s);
    }
    return out;
  }

  /** A dataset file's identity: its file name and sha256. */
  static Identity datasetIdentity(Path file) {
    Identity id = identity(file.getParent(), List.of(file.getFileName().toString()));
    return new Identity(file.getFileName().toString(), id.sha256());
  }

  /** Name and sha256 of the listed files of a directory that exist. */
  static Identity identity(Path dir, List<String> files) {
    SortedMap<String, String> sums = new TreeMap<>();
    for (String name : files) {
      Path file = dir.resolve(name);
      if (Files.isRegularFile(file)) sums.put(name, sha256(file));
    }
    return new Identity(dir.getFileName() == null ? dir.toString() : dir.getFileName().toString(), sums);
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
