package org.featureatlas.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.model.ForwardOptions;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.model.HookPoint;

/**
 * A hook's values at every position of some sequences, row-major {@code [rows, width]}: row
 * {@code i * seqLen + t} is position {@code t} of the {@code i}-th sequence asked for.
 */
public record HookActivations(int rows, int width, float[] values) {
  private static final int BATCH = 32;

  public HookActivations {
    if ((long) rows * width != values.length) {
      throw new IllegalArgumentException(rows + " x " + width + " != " + values.length);
    }
  }

  /** Runs {@code model} up to {@code hook} over the sequences {@code sequences} of {@code data}, in that order. */
  public static HookActivations collect(Gpt2Model model, HookPoint hook, TokenDataset data, int[] sequences,
      NDManager manager) {
    int width = hook.width(model.config());
    int seqLen = data.seqLen();
    float[] values = new float[Math.multiplyExact(Math.multiplyExact(sequences.length, seqLen), width)];
    for (int from = 0; from < sequences.length; from += BATCH) {
      int to = Math.min(sequences.length, from + BATCH);
      int[] ids = new int[(to - from) * seqLen];
      for (int i = from; i < to; i++) {
        System.arraycopy(data.ids(), sequences[i] * seqLen, ids, (i - from) * seqLen, seqLen);
      }
      try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
        scope.suppressNotUsedWarning();
        NDArray tokens = step.create(ids, new Shape(to - from, seqLen)); // [b, T]
        NDArray h = model.forward(tokens, ForwardOptions.upTo(hook)).hook(hook); // [b, T, width]
        float[] block = h.toFloatArray();
        System.arraycopy(block, 0, values, from * seqLen * width, block.length);
      }
    }
    return new HookActivations(sequences.length * seqLen, width, values);
  }

  /** Every sequence of {@code data}, in order. */
  public static HookActivations collectAll(Gpt2Model model, HookPoint hook, TokenDataset data, NDManager manager) {
    int[] all = new int[data.nSeq()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return collect(model, hook, data, all, manager);
  }

  /** Rows {@code picks} copied into one {@code [picks.length, width]} block. */
  public float[] gather(int[] picks) {
    float[] out = new float[picks.length * width];
    for (int i = 0; i < picks.length; i++) {
      System.arraycopy(values, picks[i] * width, out, i * width, width);
    }
    return out;
  }

  /** Mean of each column, summed in double precision. */
  public double[] columnMeans() {
    double[] mean = new double[width];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < width; j++) {
        mean[j] += values[r * width + j];
      }
    }
    for (int j = 0; j < width; j++) {
      mean[j] /= rows;
    }
    return mean;
  }

  /** Mean over rows of the squared distance to the column means: the total variance. */
  public double totalVariance() {
    double[] mean = columnMeans();
    double sum = 0;
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < width; j++) {
        double d = values[r * width + j] - mean[j];
        sum += d * d;
      }
    }
    return sum / rows;
  }
}
