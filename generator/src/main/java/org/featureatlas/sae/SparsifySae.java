package org.featureatlas.sae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.SafeTensors;

/**
 * An EleutherAI sparsify SAE folder: {@code cfg.json} ({@code d_in}, {@code k},
 * {@code num_latents} or {@code expansion_factor}, {@code activation}) and {@code sae.safetensors}
 * ({@code encoder.weight [d_sae, d_in]}, {@code encoder.bias [d_sae]}, {@code W_dec [d_sae, d_in]},
 * {@code b_dec [d_in]}). sparsify's {@code SparseCoder.encode} computes
 * {@code relu((x - b_dec) @ encoder.weight.T + encoder.bias)} and keeps its k largest per row; that
 * is {@link Architecture#TOPK} with {@code apply_b_dec_to_input} and {@code W_enc = encoder.weight.T}
 * (the k largest of relu(pre) are relu of the k largest of pre, zeros aside).
 *
 * <p>The hook is the folder's name, a sparsify hookpoint: {@code layers.N} (the output of decoder
 * layer N, optionally prefixed as in {@code model.layers.N}, {@code gpt_neox.layers.N} or
 * {@code transformer.h.N}) is {@code blocks.N.hook_resid_post}; {@code layers.N.mlp} is
 * {@code blocks.N.hook_mlp_out}. {@code atlas.json} beside the files overrides it.
 */
final class SparsifySae {
  static final String WEIGHTS_FILE = "sae.safetensors";
  private static final Pattern LAYER = Pattern.compile("(?:.*\\.)?(?:layers|h)[._](\\d+)(\\.mlp)?");

  private SparsifySae() {}

  static SaeWeights load(Path saeDir) {
    Path cfgFile = saeDir.resolve(SaeConfig.FILE);
    Check.file(java.nio.file.Files.exists(cfgFile), saeDir, "sparsify SAE folder (" + WEIGHTS_FILE
        + ") without " + SaeConfig.FILE);
    Check.readableFile(cfgFile);
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(cfgFile.toFile());
    } catch (IOException e) {
      throw IoErrors.reading(cfgFile, e);
    }
    Check.file(root != null && root.isObject(), cfgFile, "not a JSON object");
    int dIn = positiveInt(root, "d_in", cfgFile, -1);
    int k = positiveInt(root, "k", cfgFile, -1);
    String activation = root.path("activation").asText("topk");
    Check.file(activation.equals("topk"), cfgFile, "sparsify activation '" + activation
        + "' is not supported (only topk)");
    for (String flag : List.of("transcode", "signed", "embed_skip", "gram_lookup")) {
      Check.file(!root.path(flag).asBoolean(false), cfgFile, "sparsify " + flag + ": true is not supported "
          + "(only plain sparse autoencoders)");
    }
    int numLatents = root.has("num_latents") ? nonNegativeInt(root, "num_latents", cfgFile) : 0;
    int dSae;
    if (numLatents > 0) {
      dSae = numLatents;
    } else {
      int expansion = positiveInt(root, "expansion_factor", cfgFile, 32);
      long n = (long) dIn * expansion;
      Check.file(n <= Integer.MAX_VALUE, cfgFile, "d_in x expansion_factor = " + n + " is too large");
      dSae = (int) n;
    }
    Check.file(k <= dSae, cfgFile, "k " + k + " exceeds the number of latents " + dSae);

    AtlasJson atlas = AtlasJson.readIfPresent(saeDir);
    String hook = atlas != null ? atlas.hookName() : hookOf(saeDir);
    Path file = saeDir.resolve(WEIGHTS_FILE);
    HostTensor encW;
    HostTensor bEnc;
    HostTensor wDec;
    HostTensor bDec;
    try (SafeTensors st = SafeTensors.open(file)) {
      expect(st, file, "encoder.weight", dSae, dIn);
      expect(st, file, "encoder.bias", dSae);
      expect(st, file, "W_dec", dSae, dIn);
      expect(st, file, "b_dec", dIn);
      encW = finite(st, file, "encoder.weight");
      bEnc = finite(st, file, "encoder.bias");
      wDec = finite(st, file, "W_dec");
      bDec = finite(st, file, "b_dec");
    }
    float[] wEnc = new float[encW.data().length]; // [dIn, dSae] = encoder.weight.T
    float[] src = encW.data(); // [dSae, dIn]
    for (int f = 0; f < dSae; f++) {
      int row = f * dIn;
      for (int j = 0; j < dIn; j++) {
        wEnc[j * dSae + f] = src[row + j];
      }
    }
    SaeConfig config;
    try {
      config = new SaeConfig(Architecture.TOPK, dIn, dSae, hook, true, k, false,
          atlas == null ? null : atlas.modelName());
    } catch (AtlasException e) {
      throw new AtlasException(cfgFile + ": " + e.getMessage());
    }
    List<String> files = new ArrayList<>();
    if (atlas != null) {
      files.add(AtlasJson.FILE);
    }
    files.addAll(SaeFormat.SPARSIFY.files());
    return new SaeWeights(config, HostTensor.of(wEnc, dIn, dSae), bEnc, wDec, bDec, null, SaeFormat.SPARSIFY,
        files);
  }

  /** The TransformerLens hook of a sparsify hookpoint folder name. */
  static String hookOf(Path saeDir) {
    Path name = saeDir.toAbsolutePath().normalize().getFileName();
    String folder = name == null ? "" : name.toString();
    Matcher m = LAYER.matcher(folder);
    if (!m.matches()) {
      throw new AtlasException(saeDir + ": cannot tell the hook of this sparsify SAE from its folder name '"
          + folder + "' (expected a hookpoint such as layers.6 or layers.6.mlp); write "
          + AtlasJson.FILE + " beside it: {\"hook_name\": \"blocks.6.hook_resid_post\"}");
    }
    return "blocks." + Integer.parseInt(m.group(1)) + (m.group(2) == null ? ".hook_resid_post" : ".hook_mlp_out");
  }

  private static void expect(SafeTensors st, Path file, String name, long... shape) {
    Check.file(st.has(name), file, "missing tensor " + name);
    long[] found = st.shape(name);
    Check.file(Arrays.equals(found, shape), file, "tensor " + name + " has shape " + Arrays.toString(found)
        + ", expected " + Arrays.toString(shape) + " from " + SaeConfig.FILE);
  }

  private static HostTensor finite(SafeTensors st, Path file, String name) {
    HostTensor t = st.get(name);
    Check.finite(t.data(), file, name);
    return t;
  }

  private static int positiveInt(JsonNode root, String name, Path file, int fallback) {
    JsonNode n = root.get(name);
    if ((n == null || n.isNull()) && fallback > 0) {
      return fallback;
    }
    Check.file(n != null && !n.isNull(), file, "missing field " + name);
    Check.file(n.isIntegralNumber() && n.canConvertToInt() && n.asInt() > 0, file,
        name + " must be a positive integer, got " + n);
    return n.asInt();
  }

  private static int nonNegativeInt(JsonNode root, String name, Path file) {
    JsonNode n = root.get(name);
    if (n == null || n.isNull()) {
      return 0;
    }
    Check.file(n.isIntegralNumber() && n.canConvertToInt() && n.asInt() >= 0, file,
        name + " must be a non-negative integer, got " + n);
    return n.asInt();
  }
}
