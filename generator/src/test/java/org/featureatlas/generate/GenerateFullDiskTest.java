package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.featureatlas.sae.Architecture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate on a full disk (a real ENOSPC from a tiny tmpfs, see {@link FullDisk}) exits 2 with one line
 * naming the file and "No space left on device", and leaves nothing on that disk. It used to exit 1
 * with "internal error".
 */
class GenerateFullDiskTest {
  @TempDir Path dir;
  TinyInputs in;

  @BeforeEach
  void inputs() {
    in = new TinyInputs(dir, "blocks.1.mlp.hook_post", Architecture.STANDARD, 4, 16, 3);
  }

  private FullDisk.Outcome generateOn(String size) throws Exception {
    Path disk = dir.resolve("disk");
    return FullDisk.run(disk, size, "generate", "--model", in.model.toString(), "--sae", in.sae.toString(),
        "--tokens", in.tokens.toString(), "--out", disk.resolve("data").toString());
  }

  private static void assertFullDiskError(FullDisk.Outcome o, String file) {
    String how = " (" + o.how() + ")";
    assertEquals(2, o.code(), o.errorLines() + how);
    assertEquals(1, o.errorLines().size(), o.errorLines() + how);
    String line = o.errorLines().get(0);
    assertTrue(line.startsWith("atlas: error: " + file), line + how);
    assertTrue(line.endsWith("cannot write (No space left on device)"), line + how);
    assertEquals(List.of(), o.leftOnDisk(), "left behind" + how);
  }

  @Test
  void fullBeforeTheActivationCacheIsWritten() throws Exception {
    // One page: the work directory is made, its activation cache does not fit.
    FullDisk.Outcome o = generateOn("4k");
    assertFullDiskError(o, dir.resolve("disk") + "/.data.work-");
    assertTrue(o.errorLines().get(0).contains("/activations.bin: "), o.errorLines().toString());
  }

  @Test
  void fullWhileTheDataDirectoryIsWritten() throws Exception {
    // 14 pages: the cache (about 11: non-zeros, 4 x (d_in 128 + d_model 32) bytes per token) fits with the
    // manifest and vocab, the 20 KB feature file does not.
    FullDisk.Outcome o = generateOn("56k");
    assertFullDiskError(o, dir.resolve("disk").resolve("data") + ": ");
  }
}
