package org.featureatlas.model;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * A checkpoint checked on the host, ready to be built on a device as a {@link LanguageModel}. Loaded from a folder it
 * holds the configuration and the header's names and shapes, not the values: {@link #newModel} reads them one tensor
 * at a time, so building a model needs its device copy and a small buffer, not a second copy on the Java heap.
 */
public interface ModelWeights {
  /**
   * Host memory that {@link #newModel} needs besides the model's device copy: the buffer a tensor is read through
   * and the buffer a block of float32 values goes to the device through (at most 4 MiB and 16 MiB).
   */
  long BUILD_BUFFER_BYTES = 20L << 20;

  ModelConfig config();

  /** Number of parameters (floats). */
  long parameterCount();

  /** Number of values of the largest tensor. */
  long largestTensor();

  /** The checkpoint's files, relative to its folder, in a fixed order (config, weights or index, shards). */
  List<String> files();

  /**
   * Builds the model on the device of {@code manager}, in NDArrays owned by a sub-manager of it. From a checkpoint
   * the values are read here, one tensor at a time; a non-finite value is one line naming the file and tensor.
   */
  LanguageModel newModel(NDManager manager);
}
