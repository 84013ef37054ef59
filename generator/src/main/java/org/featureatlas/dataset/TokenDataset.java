package org.featureatlas.dataset;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;
import org.featureatlas.io.Npy;
import org.featureatlas.io.NpyInts;
import org.featureatlas.tokenize.AtlasTokenizer;

/**
 * {@code nSeq} sequences of {@code seqLen} token ids, row-major in {@code ids}.
 */
public record TokenDataset(int nSeq, int seqLen, int[] ids) {

  public TokenDataset {
    if (nSeq < 0 || seqLen < 0 || (long) nSeq * seqLen != ids.length) {
      throw new IllegalArgumentException(nSeq + " x " + seqLen + " != " + ids.length);
    }
  }

  /** Reads a 2-D integer {@code .npy} array {@code [sequences, seq_len]}. */
  public static TokenDataset fromNpy(Path file) {
    NpyInts a = Npy.read(file);
    return new TokenDataset(a.rows(), a.cols(), a.data());
  }

  /**
   * Tokenizes all of {@code textFile} (UTF-8) and cuts the ids into consecutive non-overlapping
   * sequences of {@code seqLen}, dropping the remainder. When the tokenizer defines a BOS token
   * ({@link AtlasTokenizer#bosId}), each sequence is BOS followed by the next {@code seqLen - 1}
   * text tokens, as SAELens's {@code prepend_bos} builds its contexts from a token stream.
   */
  public static TokenDataset fromText(Path textFile, AtlasTokenizer tok, int seqLen) {
    Check.readableFile(textFile);
    Check.that(seqLen > 0, "sequence length must be positive, got " + seqLen);
    int bos = tok.bosId();
    Check.that(bos < 0 || seqLen > 1, "sequence length must be at least 2 when each sequence starts with BOS, got "
        + seqLen);
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(textFile))).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new AtlasException(textFile + ": not UTF-8 text");
    } catch (IOException e) {
      throw IoErrors.reading(textFile, e);
    }
    int[] all = tok.encode(text);
    int perSeq = bos < 0 ? seqLen : seqLen - 1;
    int nSeq = all.length / perSeq;
    Check.file(nSeq > 0, textFile, "only " + all.length + " tokens, fewer than one sequence of " + seqLen
        + (bos < 0 ? "" : " (BOS + " + perSeq + ")"));
    if (bos < 0) {
      return new TokenDataset(nSeq, seqLen, Arrays.copyOf(all, nSeq * seqLen));
    }
    int[] ids = new int[nSeq * seqLen];
    for (int s = 0; s < nSeq; s++) {
      ids[s * seqLen] = bos;
      System.arraycopy(all, s * perSeq, ids, s * seqLen + 1, perSeq);
    }
    return new TokenDataset(nSeq, seqLen, ids);
  }

  /** Token at sequence {@code s}, position {@code t}. */
  public int token(int s, int t) {
    return ids[s * seqLen + t];
  }

  /** Number of positions, {@code nSeq * seqLen}. */
  public long positions() {
    return (long) nSeq * seqLen;
  }

  /** Ids of sequences {@code [from, to)}, row-major. */
  public int[] rows(int from, int to) {
    return Arrays.copyOfRange(ids, from * seqLen, to * seqLen);
  }

  /**
   * Fails, naming {@code source}, on an empty dataset, a negative or out-of-vocabulary id (the
   * first one, with its position), or sequences longer than the model's {@code nPositions}.
   */
  public void validate(Path source, int vocabSize, int nPositions) {
    Check.file(nSeq > 0 && seqLen > 0, source, "empty token dataset (" + nSeq + " x " + seqLen + ")");
    Check.file(seqLen <= nPositions, source, "sequence length " + seqLen
        + " exceeds the model's n_positions " + nPositions);
    for (int i = 0; i < ids.length; i++) {
      int id = ids[i];
      if (id < 0 || id >= vocabSize) {
        throw new AtlasException(source + ": token id " + id + " at [" + i / seqLen + ", " + i % seqLen
            + "] is outside the vocabulary 0.." + (vocabSize - 1));
      }
    }
  }
}
