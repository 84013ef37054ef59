package org.featureatlas.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.model.ModelConfig;
import org.featureatlas.model.ModelWeights;

/**
 * The memory a generation run may use ({@code --memory}), and how it is split among the stages. The
 * budget counts what the run holds on the Java heap and in native (PyTorch) memory together. It never
 * changes a number of the output: it only sets how many features' {@code ~v} rows pass C forms at a
 * time (and, for the correlation tables, {@link Plan#correlationBytes(double)}).
 *
 * <p>A run holds a <em>fixed</em> part for its whole length (weights, per-feature statistics and top
 * lists, the direct-path directions) and one stage's working set at a time. {@link #plan} estimates each
 * from the sizes of the run; docs/generation.md gives the formulas. The working room is what the fixed part
 * leaves: pass A uses it for one batch, the correlation step for as many features' correlation sums as fit
 * beside its pending batches, and pass C for one logits batch, the shown examples and one {@code ~v} block
 * (which takes all that is left).
 */
public final class MemoryBudget {
  /** Share of the JVM's maximum heap that the default budget takes. */
  public static final int DEFAULT_PERCENT = 75;

  /** Features whose v rows the logit-effects step forms in one product; {@code ~v} blocks are whole chunks. */
  static final int FEATURE_CHUNK = 256;

  private final long bytes;
  private final int featureChunk;

  MemoryBudget(long bytes, int featureChunk) {
    Check.that(bytes > 0, "--memory must be positive");
    Check.positive(featureChunk, "feature chunk");
    this.bytes = bytes;
    this.featureChunk = featureChunk;
  }

  /** A budget of {@code bytes}. */
  public static MemoryBudget of(long bytes) {
    return new MemoryBudget(bytes, FEATURE_CHUNK);
  }

  /** {@value #DEFAULT_PERCENT}% of the JVM's maximum heap ({@code -Xmx}). */
  public static MemoryBudget defaults() {
    return of(Runtime.getRuntime().maxMemory() / 100 * DEFAULT_PERCENT);
  }

  /** Parses {@code --memory SIZE}: a number of bytes with an optional k, m, g or t suffix (powers of 1024). */
  public static MemoryBudget parse(String text) {
    return of(parseSize(text));
  }

  /**
   * A size such as {@code 6g}, {@code 512m}, {@code 1.5G}, {@code 800MiB} or {@code 1048576}: a decimal
   * number, optionally followed by k, m, g or t (binary multiples, any case, optionally followed by
   * {@code b} or {@code ib}); a plain number is bytes.
   */
  static long parseSize(String text) {
    String bad = "--memory must be a size such as 6g, 512m or 1.5g, got '" + text + "'";
    if (text == null) throw new AtlasException(bad);
    String s = text.trim().toLowerCase(Locale.ROOT);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([kmgt]?)(i?b)?").matcher(s);
    if (!m.matches() || (m.group(2).isEmpty() && m.group(3) != null && m.group(3).startsWith("i"))) {
      throw new AtlasException(bad);
    }
    int shift = switch (m.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    java.math.BigDecimal value = new java.math.BigDecimal(m.group(1)).multiply(java.math.BigDecimal.valueOf(1L << shift));
    if (value.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) throw new AtlasException(bad + " (too large)");
    long bytes = value.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
    if (bytes <= 0) throw new AtlasException("--memory must be positive, got '" + text + "'");
    return bytes;
  }

  /** {@code bytes} as a short human size ("1.5 GiB", "300 MiB", "12 KiB", "100 B"). */
  static String format(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
  }

  /** {@code bytes} rounded up to a {@code --memory} value that covers it: whole MiB below 10 GiB, else tenths of a GiB. */
  static String asOption(long bytes) {
    long mib = 1L << 20;
    if (bytes < 10240 * mib) return ((bytes + mib - 1) / mib) + "m";
    long gib = 1L << 30;
    long tenths = bytes / gib * 10 + ((bytes % gib) * 10 + gib - 1) / gib;
    return String.format(Locale.ROOT, "%d.%dg", tenths / 10, tenths % 10);
  }

  public long bytes() {
    return bytes;
  }

  int featureChunk() {
    return featureChunk;
  }

  @Override
  public String toString() {
    return format(bytes);
  }

  /**
   * The sizes a run's memory depends on.
   *
   * @param model the model's configuration (d_model, d_mlp, heads, vocabulary)
   * @param modelParams the model's parameter count
   * @param saeParams the parameter count of the SAE and encoder B together
   * @param dSae features of the SAE
   * @param dIn width of the hook
   * @param dSaeB features of encoder B (0 without)
   * @param batchRows positions per batch (batch size x T)
   * @param seqLen T
   * @param shownPerFeature examples shown per feature (top-k + intervals x per interval)
   * @param window tokens of an example window
   * @param hoverK log-prob changes shown each way per token
   * @param nLogits entries of a logit table
   * @param nBins histogram bins
   * @param postNorm whether the hook lies before a post-norm ({@link ModelConfig#hasPostNorm}), whose ablation in
   *     pass C needs the hook values and the logits of each ablated row's write
   */
  record Sizes(ModelConfig model, long modelParams, long saeParams, int dSae, int dIn, int dSaeB, int batchRows,
      int seqLen, int shownPerFeature, int window, int hoverK, int nLogits, int nBins, int nUnits, boolean postNorm) {

    /** The sizes of a run on a hook without a post-norm. */
    Sizes(ModelConfig model, long modelParams, long saeParams, int dSae, int dIn, int dSaeB, int batchRows,
        int seqLen, int shownPerFeature, int window, int hoverK, int nLogits, int nBins, int nUnits) {
      this(model, modelParams, saeParams, dSae, dIn, dSaeB, batchRows, seqLen, shownPerFeature, window, hoverK,
          nLogits, nBins, nUnits, false);
    }
  }

  /** The sizes of a run with inputs {@code in}, settings {@code set} and {@code batchSize} sequences per batch. */
  static Sizes sizes(AtlasInputs in, GenerateSettings set, int batchSize) {
    long modelParams = in.modelParameters();
    long saeParams = in.saeParameters();
    int batchRows = Math.min(batchSize, in.dataset().nSeq()) * in.dataset().seqLen();
    return new Sizes(in.modelConfig(), modelParams, saeParams, in.dSae(), in.dIn(), in.dSaeB(), batchRows,
        in.dataset().seqLen(), set.topK() + set.nIntervals() * set.perInterval(),
        set.windowLeft() + set.windowRight() + 1, set.hoverK(), set.nLogits(), set.nBins(), set.nUnits(),
        in.modelConfig().hasPostNorm(in.hook()));
  }

  /** How this budget splits for a run of {@code sizes}. */
  Plan plan(Sizes sizes) {
    return new Plan(sizes);
  }

  /** This budget applied to one run's sizes: estimates in bytes, and the block sizes they allow. */
  final class Plan {
    private final Sizes s;

    private Plan(Sizes s) {
      this.s = s;
    }

    /**
     * Held for the whole run: the model's weights on the device (their Java copy is dropped once the
     * model is built), the Java copies of the decoders (A's, and B's for the similar features), the direct-path directions {@code u} (device)
     * and {@code ~u} (Java) with the unembedding, and the per-feature statistics (moments, top examples,
     * histograms, interval samples, logit tables).
     */
    long fixedBytes() {
      ModelConfig c = s.model();
      long weights = 4 * s.modelParams() + 4L * ((long) s.dSae() + s.dSaeB()) * s.dIn();
      long directions = 8L * s.dSae() * c.dModel() + 8L * c.vocabSize() * c.dModel() + 16L * c.vocabSize();
      long perFeature = 64 + 16L * s.shownPerFeature() + 16L * s.nBins() + 2L * (64 + 48L * s.nLogits())
          + 24L * s.shownPerFeature() + 2L * (4 + 20L * s.nUnits()) + 2L * (4 + 12L * SimilarFeatures.K);
      return weights + directions + perFeature * s.dSae();
    }

    /** Bytes of one feature's row of both correlation tables ({@code d_in + d_sae_B} doubles). */
    long correlationRowBytes() {
      return 8L * (s.dIn() + s.dSaeB());
    }

    /**
     * The correlation step's working set besides its tables: up to {@link CrossMoments#PENDING} batches of
     * hook activations and non-zeros, and one batch of encoder B's non-zeros (the cache reader's buffer
     * is left out, as in pass B and pass C).
     * {@code nnzPerPosition} is pass A's mean L0 (0 before pass A); the non-zeros are counted at twice it
     * (an estimate: a batch may hold more than the mean), encoder B's at the same rate.
     */
    long correlationPendingBytes(double nnzPerPosition) {
      long rows = s.batchRows();
      long nnz = (long) Math.ceil(2 * nnzPerPosition * rows);
      long one = 4L * rows * s.dIn() + 16L * nnz + 4L * ((long) s.dSae() + rows + 2);
      long b = s.dSaeB() > 0 ? 16L * nnz + 4L * ((long) s.dSaeB() + rows + 2) : 0;
      return CrossMoments.PENDING * one + b;
    }

    /**
     * The bytes of correlation sums held at once (neurons, and encoder B's features), which set the rows
     * of a block: the whole dense tables when they fit, else all the budget leaves beside the fixed part
     * and the step's working set, but at least one feature's row (the pre-flight check counted one row
     * with no non-zeros; with pass A's real count the estimate may leave less, and the run goes on in
     * one-feature blocks). The tables live only during the correlation step (after logit effects,
     * before pass B), so they share the room of pass A and pass C instead of adding to it.
     */
    public long correlationBytes(double nnzPerPosition) {
      long dense = correlationRowBytes() * s.dSae();
      long room = bytes - fixedBytes() - correlationPendingBytes(nnzPerPosition);
      return Math.min(dense, Math.max(correlationRowBytes(), room));
    }

    /**
     * The similar-features step's normalised decoders on the device ({@code 4 (d_sae + d_sae_B) d_in} bytes, counted
     * twice for the copy being normalised).
     */
    long similarDecoderBytes() {
      return 8L * ((long) s.dSae() + s.dSaeB()) * s.dIn();
    }

    /** Bytes per row of a similar-features block: its products with both decoders, on the device and on the host. */
    long similarRowBytes() {
      return 8L * ((long) s.dSae() + s.dSaeB());
    }

    /**
     * Features per block of the similar-features step (after the logit effects, before the correlations): all
     * the room the fixed part and the normalised decoders leave, at least 1 and at most d_sae.
     */
    int similarRows() {
      long room = bytes - fixedBytes() - similarDecoderBytes();
      return (int) Math.max(1, Math.min(s.dSae(), room / similarRowBytes()));
    }

    /** The similar-features step's least working set: the normalised decoders and one row's products. */
    long similarMinimumBytes() {
      return similarDecoderBytes() + similarRowBytes();
    }

    /**
     * The feature map's layout (after the similar features, before the correlations): two directed edges per
     * similar-features entry and the per-feature arrays ({@link MapLayout#bytesPerFeature}).
     */
    long mapBytes() {
      return MapLayout.bytesPerFeature(SimilarFeatures.K) * s.dSae();
    }

    /** The correlation step's least working set: one feature's row and the pending batches (before pass A). */
    long correlationMinimumBytes() {
      return correlationRowBytes() + correlationPendingBytes(0);
    }

    /**
     * Pass A's working set: the encoders' weights, and for one batch the forward pass (residual stream, attention and MLP
     * temporaries of one block), the hook activations, dense feature activations of both encoders (PyTorch
     * and Java copies) and the final residual stream, and the sparse rows.
     */
    long passABytes() {
      return encoderBytes() + batchBytes();
    }

    /** The encoders' weights during pass A: the Java copies (dropped after pass A) and the device copies. */
    long encoderBytes() {
      return 8 * s.saeParams();
    }

    /**
     * While the model is built, before pass A: its device copy (float32), filled one tensor at a time through
     * two small buffers (at most {@link ModelWeights#BUILD_BUFFER_BYTES}, and at most two float32 copies of the
     * largest tensor, so of the model; there is never a Java copy of the model), and the SAEs' Java copies.
     */
    long loadBytes() {
      return modelBytes() + Math.min(ModelWeights.BUILD_BUFFER_BYTES, 2 * modelBytes()) + 4 * s.saeParams();
    }

    /** The model's weights on the device: float32, 4 bytes a parameter. */
    long modelBytes() {
      return 4 * s.modelParams();
    }

    /** Pass A's working set for the batch itself. */
    private long batchBytes() {
      ModelConfig c = s.model();
      long perRow = 4L * (12L * c.dModel() + 3L * c.dMlp() + 2L * c.nHead() * s.seqLen() + 3L * s.dIn()
          + 3L * ((long) s.dSae() + s.dSaeB()));
      return perRow * s.batchRows();
    }

    /** The working room of pass A and pass C: what the fixed part and the correlation tables leave. */
    long workingBytes() {
      return bytes - fixedBytes();
    }

    /**
     * Pass C's logits of one batch: PyTorch's and the shifted Java copy, with the batch's residual rows; before a
     * post-norm also the batch's hook values (read from the cache, gathered, on the device), the norm's input and
     * the write of each row (device, Java float and double copies), and the logits of the writes (PyTorch and Java).
     */
    long logitsBatchBytes() {
      ModelConfig c = s.model();
      long logits = 8L * s.batchRows() * (c.vocabSize() + 2L * c.dModel());
      if (!s.postNorm()) return logits;
      return logits + 4L * s.batchRows() * (2L * c.vocabSize() + 3L * s.dIn() + 6L * c.dModel());
    }

    /**
     * {@code shown} examples, held until written: windows of tokens and activations, the hover lists of
     * active positions (counted for the example's own position).
     */
    long examplesBytes(long shown) {
      return shown * (96 + 40L * s.window() + 2L * (48 + 40L * s.hoverK()));
    }

    /** The most examples a run can show: every feature alive with all its top and interval examples. */
    long mostShown() {
      return (long) s.shownPerFeature() * s.dSae();
    }

    /** Forming one chunk of {@code ~v}: the product on the device and its Java copy. */
    long chunkBytes() {
      return 8L * featureChunk * s.model().vocabSize();
    }

    /** Bytes per feature of a {@code ~v} block. */
    long vRowBytes() {
      return 4L * s.model().vocabSize();
    }

    /**
     * Features per {@code ~v} block when pass C shows {@code shown} examples (known once pass B has
     * sampled the intervals): all the room the logits batch, the examples and the chunk being formed
     * leave, in whole chunks, at least one chunk and at most the whole SAE (rounded up to a chunk).
     */
    int vBlockFeatures(long shown) {
      long room = workingBytes() - logitsBatchBytes() - examplesBytes(shown) - chunkBytes();
      long rows = Math.max(0, room) / vRowBytes();
      long chunks = Math.max(1, rows / featureChunk);
      long all = ((long) s.dSae() + featureChunk - 1) / featureChunk;
      return (int) (Math.min(chunks, all) * featureChunk);
    }

    /** Pass C's least working set before its examples: one logits batch and one {@code ~v} block of one chunk. */
    long passCBytes() {
      return logitsBatchBytes() + chunkBytes() + (long) featureChunk * vRowBytes();
    }

    /**
     * The least budget that runs: the fixed part, the tables, and the larger of pass A's batch and pass C's
     * least working set. The shown examples are not known before pass A and are not counted here (they
     * shrink the ~v blocks, down to one chunk).
     */
    long minimumBytes() {
      return minimumBytes(true);
    }

    /** {@link #minimumBytes()}, or without pass C for a shard run (pass A only). */
    long minimumBytes(boolean passC) {
      long stages = fixedBytes() + Math.max(passABytes(),
          passC ? Math.max(Math.max(Math.max(passCBytes(), correlationMinimumBytes()), similarMinimumBytes()), mapBytes()) : 0);
      return Math.max(loadBytes(), stages);
    }

    /** Refuses, in one line naming --memory, a budget below {@link #minimumBytes()}. */
    void check() {
      check(true);
    }

    /** Refuses a budget below {@link #minimumBytes(boolean)}. */
    void check(boolean passC) {
      long need = minimumBytes(passC);
      String model = String.format(Locale.ROOT, "%,d parameters, %s as float32", s.modelParams(), format(modelBytes()));
      if (bytes < need && bytes < modelBytes()) {
        throw new AtlasException("--memory " + format(bytes) + " is too small for this run: it needs at least --memory "
            + asOption(need) + ", and the model alone (" + model + " on the device) does not fit; raise --memory (and the"
            + " JVM's -Xmx) or use a machine with more memory");
      }
      if (bytes < need) {
        List<String> parts = new ArrayList<>();
        parts.add("the model " + model);
        if (loadBytes() > fixedBytes() + passABytes()) parts.add("building the model " + format(loadBytes()));
        parts.add("weights and per-feature statistics " + format(fixedBytes()));
        parts.add("the encoders and one batch of pass A " + format(passABytes()));
        if (passC) {
          parts.add("the correlation step with one feature's sums " + format(correlationMinimumBytes()));
          parts.add("the similar features with one feature's row " + format(similarMinimumBytes()));
          parts.add("the feature map " + format(mapBytes()));
          parts.add("pass C with one batch of logits and one ~v block of " + featureChunk + " features " + format(passCBytes()));
        }
        throw new AtlasException("--memory " + format(bytes) + " is too small for this run: it needs at least --memory "
            + asOption(need) + " (" + String.join(", ", parts) + "); raise --memory (and the JVM's -Xmx) or lower --batch-size");
      }
    }
  }
}
