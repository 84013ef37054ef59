package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.featureatlas.check.AtlasException;
import org.featureatlas.model.Gpt2Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryBudgetTest {
  static final long K = 1024;
  static final long M = K * K;
  static final long G = K * M;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "6g, 6442450944",
      "6G, 6442450944",
      "6gb, 6442450944",
      "6GiB, 6442450944",
      "512m, 536870912",
      "512 MiB, 536870912",
      "1.5g, 1610612736",
      "0.5k, 512",
      "100k, 102400",
      "2t, 2199023255552",
      "1048576, 1048576",
      "1048576b, 1048576",
      " 8g , 8589934592",
  })
  void parsesSizes(String text, long bytes) {
    assertEquals(bytes, MemoryBudget.parseSize(text));
    assertEquals(bytes, MemoryBudget.parse(text).bytes());
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", "g", "lots", "-1g", "6x", "6 g b", "1e9", "6ib", "0", "0m", "0.1", "1.g", "99999999999t"})
  void refusesOtherSizes(String text) {
    AtlasException e = assertThrows(AtlasException.class, () -> MemoryBudget.parseSize(text));
    assertTrue(e.getMessage().startsWith("--memory must be "), e.getMessage());
  }

  @Test
  void formatsSizes() {
    assertEquals("100 B", MemoryBudget.format(100));
    assertEquals("1.5 GiB", MemoryBudget.format(3 * G / 2));
    assertEquals("300 MiB", MemoryBudget.format(300 * M));
    assertEquals("1m", MemoryBudget.asOption(1));
    assertEquals("2m", MemoryBudget.asOption(M + 1));
    assertEquals("300m", MemoryBudget.asOption(300 * M));
    assertEquals("12.0g", MemoryBudget.asOption(12 * G));
    assertEquals("12.1g", MemoryBudget.asOption(12 * G + 1));
  }

  @Test
  void theDefaultIsAShareOfTheMaximumHeap() {
    long max = Runtime.getRuntime().maxMemory();
    long got = MemoryBudget.defaults().bytes();
    assertTrue(got <= max * MemoryBudget.DEFAULT_PERCENT / 100 && got >= max / 100 * MemoryBudget.DEFAULT_PERCENT - 100, got + " of " + max);
  }

  /**
   * Gemma 2 2B's sizes (d_model 2,304, d_mlp 9,216, 8 heads, vocabulary 256,000; 2,614,341,888 parameters counted by
   * hand from its 26 layers) with a 16,384-feature SAE on the residual stream, batches of 4 x 128 positions.
   */
  static MemoryBudget.Sizes gemma2b() {
    long perLayer = 2L * 2048 * 2304 + 2L * 1024 * 2304 + 3L * 2304 * 9216 + 4 * 2304; // q, o; k, v; MLP; norms
    long params = 256_000L * 2304 + 26 * perLayer + 2304;
    assertEquals(2_614_341_888L, params);
    Gpt2Config c = new Gpt2Config(26, 8, 2304, 8192, 256_000, 9216, 1e-6, "gelu_new"); // the sizes the budget reads
    int dSae = 16384;
    return new MemoryBudget.Sizes(c, params, 2L * dSae * 2304 + dSae + 2304, dSae, 2304, 0, 4 * 128, 128, 70, 11, 5, 10,
        40, 3);
  }

  /**
   * Before a post-norm pass C's batch also holds the batch's hook values (read, gathered, on the device), the norm's
   * input and write per row, and the logits of the writes: {@code 4 R (2 V + 3 I + 6 D)} more (docs/generation.md).
   */
  @Test
  void aHookBeforeAPostNormCountsItsRowsInPassC() {
    MemoryBudget.Sizes r = gemma2b();
    MemoryBudget.Sizes s = new MemoryBudget.Sizes(r.model(), r.modelParams(), r.saeParams(), r.dSae(), 9216, 0,
        r.batchRows(), r.seqLen(), 70, 11, 5, 10, 40, 3, true);
    MemoryBudget.Sizes linear = new MemoryBudget.Sizes(r.model(), r.modelParams(), r.saeParams(), r.dSae(), 9216, 0,
        r.batchRows(), r.seqLen(), 70, 11, 5, 10, 40, 3);
    MemoryBudget.Plan p = MemoryBudget.of(64 * G).plan(s);
    long rows = 4 * 128;
    assertEquals(8 * rows * (256_000 + 2 * 2304), MemoryBudget.of(64 * G).plan(linear).logitsBatchBytes());
    assertEquals(8 * rows * (256_000 + 2 * 2304) + 4 * rows * (2 * 256_000 + 3 * 9216 + 6 * 2304), p.logitsBatchBytes());
    assertTrue(p.passCBytes() > MemoryBudget.of(64 * G).plan(linear).passCBytes());
  }

  @Test
  void buildingTheModelHoldsItOnceWithTwoSmallBuffers() {
    MemoryBudget.Sizes s = gemma2b();
    MemoryBudget.Plan p = MemoryBudget.of(64 * G).plan(s);
    assertEquals(4 * s.modelParams() + 20 * M + 4 * s.saeParams(), p.loadBytes());
    // A tiny model: the buffers are at most two float32 copies of the largest tensor, so of the model.
    MemoryBudget.Sizes tiny = new MemoryBudget.Sizes(s.model(), 1000, 10, 4, 2304, 0, 128, 128, 70, 11, 5, 10, 40, 3);
    assertEquals(4000 + 8000 + 40, MemoryBudget.of(G).plan(tiny).loadBytes());
  }

  @Test
  void aModelLargerThanTheBudgetIsNamedWithItsSize() {
    AtlasException e = assertThrows(AtlasException.class, () -> MemoryBudget.of(8 * G).plan(gemma2b()).check());
    String msg = e.getMessage();
    assertTrue(msg.startsWith("--memory 8.0 GiB is too small for this run: it needs at least --memory "), msg);
    assertTrue(msg.contains("the model alone (2,614,341,888 parameters, 9.7 GiB as float32 on the device) does not fit"), msg);
    assertEquals(1, msg.lines().count());
    // A budget that holds the model but not the run still names the model's size among the parts.
    String tight = assertThrows(AtlasException.class, () -> MemoryBudget.of(11 * G).plan(gemma2b()).check()).getMessage();
    assertTrue(tight.contains("(the model 2,614,341,888 parameters, 9.7 GiB as float32, "), tight);
  }

  /** GPT-2 small with a 24,576-feature SAE on the residual stream, batches of 16 x 128 positions. */
  static MemoryBudget.Sizes gpt2(int dSae) {
    Gpt2Config c = new Gpt2Config(12, 12, 768, 1024, 50257, 3072, 1e-5, "gelu_new");
    return new MemoryBudget.Sizes(c, 124_000_000L, 2L * dSae * 768 + dSae + 768, dSae, 768, 0, 16 * 128, 128, 70, 11,
        5, 10, 40, 3);
  }

  @Test
  void blocksAreWholeChunksThatGrowWithTheBudgetUpToTheWholeSae() {
    MemoryBudget.Sizes s = gpt2(24576);
    long least = MemoryBudget.of(1).plan(s).minimumBytes();
    assertTrue(MemoryBudget.of(least).plan(s).vBlockFeatures(0) >= MemoryBudget.FEATURE_CHUNK);
    // Pass C's least working set beside the fixed part holds exactly one chunk of ~v (pass A's encoders
    // and batch may need more, which then leaves pass C room for more).
    MemoryBudget.Plan one = MemoryBudget.of(1).plan(s);
    assertEquals(MemoryBudget.FEATURE_CHUNK, MemoryBudget.of(one.fixedBytes() + one.passCBytes()).plan(s).vBlockFeatures(0));
    assertEquals(least, Math.max(one.loadBytes(), one.fixedBytes()
        + Math.max(one.passABytes(), Math.max(one.passCBytes(), one.correlationMinimumBytes()))));
    MemoryBudget.Plan below = MemoryBudget.of(least - 1).plan(s);
    AtlasException e = assertThrows(AtlasException.class, below::check);
    assertTrue(e.getMessage().contains("needs at least --memory " + MemoryBudget.asOption(least)), e.getMessage());
    MemoryBudget.of(least).plan(s).check();
    // A shard runs pass A only: it needs no more, and says so without pass C's part.
    long shard = MemoryBudget.of(1).plan(s).minimumBytes(false);
    assertEquals(Math.max(one.loadBytes(), one.fixedBytes() + one.passABytes()), shard);
    assertTrue(shard <= least);
    MemoryBudget.of(shard).plan(s).check(false);
    AtlasException e2 = assertThrows(AtlasException.class, () -> MemoryBudget.of(shard - 1).plan(s).check(false));
    assertTrue(e2.getMessage().contains("needs at least --memory " + MemoryBudget.asOption(shard)) && !e2.getMessage().contains("pass C"),
        e2.getMessage());
    // Examples that leave no room still get one chunk.
    assertEquals(MemoryBudget.FEATURE_CHUNK, MemoryBudget.of(least).plan(s).vBlockFeatures(1L << 40));
    long all = MemoryBudget.of(1).plan(s).mostShown();
    int previous = 0;
    for (long bytes = least; bytes < 64 * G; bytes += G / 2) {
      MemoryBudget.Plan p = MemoryBudget.of(bytes).plan(s);
      int block = p.vBlockFeatures(all);
      assertEquals(0, block % MemoryBudget.FEATURE_CHUNK, bytes + " bytes");
      assertTrue(block >= previous && block <= 24576, bytes + " bytes: " + block);
      assertTrue(p.vBlockFeatures(all / 10) >= block, bytes + " bytes");
      previous = block;
    }
    assertEquals(24576, previous);
    // 8 GiB holds a good share of the ~v of 24,576 features (4.6 GiB whole), even showing every example.
    assertTrue(MemoryBudget.of(8 * G).plan(s).vBlockFeatures(all) >= 8192);
  }

  @Test
  void theCorrelationShareIsTheWholeTablesOrWhatTheFixedPartAndPendingBatchesLeave() {
    MemoryBudget.Sizes s = gpt2(24576);
    MemoryBudget.Plan p = MemoryBudget.of(8 * G).plan(s);
    assertEquals(8L * 24576 * 768, p.correlationBytes(0));
    assertEquals(8L * 24576 * 768, p.correlationBytes(60));
    // Pending: 8 batches of 2,048 x 768 floats of x and the non-zeros at twice the mean L0.
    long rows = 16 * 128;
    long nnz = 2 * 60 * rows;
    long pending = 8 * (4L * rows * 768 + 16L * nnz + 4L * (24576 + rows + 2));
    assertEquals(pending, p.correlationPendingBytes(60));
    long tight = p.fixedBytes() + pending + 100 * M;
    assertEquals(100 * M, MemoryBudget.of(tight).plan(s).correlationBytes(60));
    assertTrue(MemoryBudget.of(tight).plan(s).correlationBytes(0) > 100 * M, "fewer non-zeros leave more room");
    assertEquals(8L * 768, MemoryBudget.of(1).plan(s).correlationBytes(0), "never less than one feature's row");
    // The least budget of a whole run holds one feature's row next to the pending batches.
    assertTrue(p.minimumBytes() >= p.fixedBytes() + 8L * 768 + p.correlationPendingBytes(0));
  }
}
