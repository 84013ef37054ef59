package org.featureatlas.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.corpus.BytePairEncoding;
import org.featureatlas.corpus.SotuAddress;
import org.featureatlas.corpus.SotuCorpus;
import org.featureatlas.corpus.TokenizerJson;
import org.featureatlas.corpus.VocabularyReduction;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.tokenize.AtlasTokenizer;

/**
 * The demo's tokenized text: the addresses split by {@link CorpusSplit}, a GPT-2 tokenizer (all
 * 50,257 tokens, or the training text's most frequent ones, see {@link VocabularyReduction})
 * written as {@code tokenizer.json}, and both splits cut into sequences by {@link Sequences}.
 *
 * @param gpt2TrainTokens training tokens under the full GPT-2 vocabulary (before any reduction)
 */
public record TrainingCorpus(BytePairEncoding bpe, TokenDataset train, TokenDataset heldOut, CorpusSplit split,
    long gpt2TrainTokens) {

  /**
   * Reads the addresses in {@code sotuData} and GPT-2's BPE in {@code bpeDir}
   * ({@code encoder.json}, {@code vocab.bpe}), writes the tokenizer to {@code tokenizerOut} and
   * tokenizes with it.
   */
  public static TrainingCorpus prepare(Path sotuData, Path bpeDir, int vocabSize, int heldOutEvery, int seqLen,
      Path tokenizerOut) {
    CorpusSplit split = CorpusSplit.everyNth(SotuCorpus.read(sotuData), heldOutEvery);
    BytePairEncoding gpt2 = BytePairEncoding.readGpt2(bpeDir.resolve("encoder.json"), bpeDir.resolve("vocab.bpe"));
    Check.that(vocabSize >= 258 && vocabSize <= gpt2.size(), "vocabulary size must be in 258.." + gpt2.size()
        + ", got " + vocabSize);
    Path scratch;
    try {
      scratch = Files.createTempFile("gpt2-tokenizer", ".json");
    } catch (IOException e) {
      throw new AtlasException("cannot create a temporary file: " + e.getMessage(), e);
    }
    long gpt2Tokens = 0;
    BytePairEncoding bpe;
    try {
      TokenizerJson.write(gpt2, scratch);
      long[] counts = new long[gpt2.size()];
      try (AtlasTokenizer full = AtlasTokenizer.load(scratch)) {
        for (SotuAddress a : split.train()) {
          for (int id : full.encode(a.text())) {
            counts[id]++;
            gpt2Tokens++;
          }
        }
      }
      bpe = vocabSize == gpt2.size() ? gpt2 : gpt2.restrictTo(VocabularyReduction.mostFrequent(gpt2, counts, vocabSize));
    } finally {
      try {
        Files.deleteIfExists(scratch);
      } catch (IOException ignored) {
        // a leftover temporary file is harmless
      }
    }
    TokenizerJson.write(bpe, tokenizerOut);
    try (AtlasTokenizer tok = AtlasTokenizer.load(tokenizerOut)) {
      Check.that(tok.vocabSize() == bpe.size(), tokenizerOut + ": loads with " + tok.vocabSize() + " tokens, wrote " + bpe.size());
      return new TrainingCorpus(bpe, Sequences.cut(encodeAll(tok, split.train()), bpe.endOfText(), seqLen),
          Sequences.cut(encodeAll(tok, split.heldOut()), bpe.endOfText(), seqLen), split, gpt2Tokens);
    }
  }

  private static List<int[]> encodeAll(AtlasTokenizer tok, List<SotuAddress> addresses) {
    List<int[]> out = new ArrayList<>();
    for (SotuAddress a : addresses) {
      out.add(tok.encode(a.text()));
    }
    return out;
  }
}
