package org.featureatlas.fuzz;

/** What a fuzz case mutates, the command it runs, and its share of the total case count. */
enum Kind {
  MODEL_SAFETENSORS("model/model.safetensors", 5),
  MODEL_CONFIG("model/config.json", 3),
  SAE_SAFETENSORS("sae/sae_weights.safetensors", 4),
  SAE_CFG("sae/cfg.json", 4),
  TOKENS_NPY("tokens.npy", 4),
  DATA_DIR("data directory (render)", 6),
  ARCHIVE_TAR_GZ("atlas.tar.gz (verify, extract)", 3),
  ARCHIVE_ZIP("atlas.zip (verify, extract)", 3);

  final String label;
  final int weight;

  Kind(String label, int weight) {
    this.label = label;
    this.weight = weight;
  }

  static int totalWeight() {
    int w = 0;
    for (Kind k : values()) w += k.weight;
    return w;
  }

  boolean generates() {
    return ordinal() <= TOKENS_NPY.ordinal();
  }
}
