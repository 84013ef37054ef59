package org.featureatlas.render.synthetic;

/**
 * What to synthesise: {@code dSae} features over a {@code dVocab}-token vocabulary, from {@code seed};
 * {@code withB} adds the encoder-B correlations; {@code hostile} puts hostile display strings (markup,
 * quotes, {@code </script>}, template syntax, U+2028, bidi overrides, emoji, controls) at the lowest
 * token ids and makes features use them.
 */
public record SyntheticSpec(int dSae, int dVocab, long seed, boolean withB, boolean hostile) {
  public SyntheticSpec {
    if (dSae < 1 || dVocab < SyntheticData.HOSTILE.size() + 16) {
      throw new IllegalArgumentException("need dSae >= 1 and dVocab >= " + (SyntheticData.HOSTILE.size() + 16));
    }
  }
}
