package org.featureatlas.model;

import ai.djl.ndarray.NDManager;
import java.util.List;

/** A checkpoint loaded and checked on the host, ready to be copied to a device as a {@link LanguageModel}. */
public interface ModelWeights {

  ModelConfig config();

  /** Number of parameters (floats) held. */
  long parameterCount();

  /** The checkpoint's files, relative to its folder, in a fixed order (config, weights or index, shards). */
  List<String> files();

  /** Copies the weights into NDArrays owned by a sub-manager of {@code manager}. */
  LanguageModel newModel(NDManager manager);
}
