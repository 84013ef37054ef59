package org.featureatlas.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.featureatlas.check.AtlasException;
import org.featureatlas.io.Npy;
import org.featureatlas.tokenize.AtlasTokenizer;
import org.featureatlas.tokenize.TinyBpe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenDatasetTest {
  @TempDir Path dir;

  @Test
  void fromNpyIsRowMajor() {
    Path f = dir.resolve("tokens.npy");
    int[] ids = {1, 2, 3, 4, 5, 6};
    Npy.writeInts(f, 2, 3, ids);
    TokenDataset d = TokenDataset.fromNpy(f);
    assertEquals(2, d.nSeq());
    assertEquals(3, d.seqLen());
    assertEquals(6, d.token(1, 2));
    assertEquals(4, d.token(1, 0));
    assertEquals(3, d.token(0, 2));
    assertArrayEquals(new int[] {4, 5, 6}, d.rows(1, 2));
    assertEquals(6, d.positions());
    d.validate(f, 7, 3);
  }

  private static String validateError(TokenDataset d, Path f, int vocab, int nPos) {
    String msg = assertThrows(AtlasException.class, () -> d.validate(f, vocab, nPos)).getMessage();
    assertTrue(msg.startsWith(f + ": "), msg);
    assertFalse(msg.contains("\n"), msg);
    return msg;
  }

  @Test
  void validationNamesTheProblem() {
    Path f = dir.resolve("tokens.npy");
    TokenDataset d = new TokenDataset(2, 3, new int[] {1, 2, 3, 4, 9, 12});
    String msg = validateError(d, f, 9, 10);
    assertTrue(msg.contains("token id 9 at [1, 1]") && msg.contains("0..8"), msg);
    msg = validateError(new TokenDataset(1, 2, new int[] {0, -1}), f, 9, 10);
    assertTrue(msg.contains("token id -1 at [0, 1]"), msg);
    msg = validateError(d, f, 100, 2);
    assertTrue(msg.contains("sequence length 3") && msg.contains("n_positions 2"), msg);
    msg = validateError(new TokenDataset(0, 128, new int[0]), f, 100, 1024);
    assertTrue(msg.contains("empty"), msg);
  }

  @Test
  void fromTextCutsConsecutiveSequencesAndDropsTheRest() throws IOException {
    Path text = dir.resolve("corpus.txt");
    String unit = "the the\nthé €\n"; // 9 tokens with TinyBpe
    Files.writeString(text, unit.repeat(3));
    try (AtlasTokenizer tok = AtlasTokenizer.load(TinyBpe.write(dir.resolve("tokenizer.json")))) {
      int[] all = tok.encode(unit.repeat(3));
      assertEquals(27, all.length);
      TokenDataset d = TokenDataset.fromText(text, tok, 4);
      assertEquals(6, d.nSeq());
      assertEquals(4, d.seqLen());
      assertArrayEquals(Arrays.copyOf(all, 24), d.ids());
      assertEquals(all[5], d.token(1, 1));

      String msg = assertThrows(AtlasException.class, () -> TokenDataset.fromText(text, tok, 28)).getMessage();
      assertTrue(msg.startsWith(text + ": ") && msg.contains("27 tokens"), msg);
      Path bad = dir.resolve("latin1.txt");
      Files.write(bad, new byte[] {'a', (byte) 0xE9, 'b'});
      msg = assertThrows(AtlasException.class, () -> TokenDataset.fromText(bad, tok, 1)).getMessage();
      assertTrue(msg.startsWith(bad + ": ") && msg.contains("UTF-8"), msg);
    }
  }
}
