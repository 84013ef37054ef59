package org.featureatlas.sae;

import org.featureatlas.check.AtlasException;

/** The SAE activation function family, as SAELens names it. */
public enum Architecture {
  STANDARD("standard"),
  JUMPRELU("jumprelu"),
  TOPK("topk");

  private final String configName;

  Architecture(String configName) {
    this.configName = configName;
  }

  /** The name in {@code cfg.json}. */
  public String configName() {
    return configName;
  }

  /** Parses a {@code cfg.json} architecture name (case-insensitive). */
  public static Architecture parse(String name) {
    for (Architecture a : values()) {
      if (a.configName.equalsIgnoreCase(name)) {
        return a;
      }
    }
    throw new AtlasException("unsupported SAE architecture '" + name + "' (expected standard, jumprelu or topk)");
  }
}
