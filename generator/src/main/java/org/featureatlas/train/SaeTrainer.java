package org.featureatlas.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import me.tongfei.progressbar.ProgressBar;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.io.HostTensor;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.progress.Progress;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeConfig;
import org.featureatlas.sae.SaeWeights;

/**
 * Trains a TopK sparse autoencoder (Gao et al. 2024) on one hook of a model with DJL autograd:
 * {@code f = TopK(ReLU((x - b_dec) W_enc + b_enc))}, {@code x_hat = f W_dec + b_dec} (summing only
 * the k active decoder rows), minimising
 * {@code ||x - x_hat||^2} divided by the activations' total variance. Decoder rows start random
 * with unit norm and are renormalised after every step; {@code W_enc} starts as {@code W_dec^T},
 * {@code b_dec} as the activations' mean. Seeded; see {@link TrainingThreads} on repeatability.
 */
public final class SaeTrainer {
  /** Steps between curve points: 50, or fewer so a short run still has 8 points. */
  private static int logEvery(int steps) {
    return Math.max(1, Math.min(50, steps / 8));
  }

  private SaeTrainer() {}

  public static TrainedSae train(SaeTrainingConfig config, Gpt2Weights model, String modelName, TokenDataset train,
      boolean showProgress) {
    long t0 = System.nanoTime();
    int nSeq = Math.max(1, Math.min(train.nSeq(), config.trainTokens() / train.seqLen()));
    int[] sequences = new BatchOrder(train.nSeq(), config.seed()).next(nSeq);
    try (NDManager root = NDManager.newBaseManager()) {
      HookActivations acts;
      try (Gpt2Model m = new Gpt2Model(model, root)) {
        acts = HookActivations.collect(m, config.hook(), train, sequences, root);
      }
      int dIn = acts.width();
      int dSae = config.dSae();
      double variance = acts.totalVariance();
      double[] mean = acts.columnMeans();
      Random random = new Random(config.seed());
      float[] wDecHost = new float[dSae * dIn];
      for (int f = 0; f < dSae; f++) {
        double norm = 0;
        for (int j = 0; j < dIn; j++) {
          double v = random.nextGaussian();
          wDecHost[f * dIn + j] = (float) v;
          norm += v * v;
        }
        for (int j = 0; j < dIn; j++) {
          wDecHost[f * dIn + j] = (float) (wDecHost[f * dIn + j] / Math.sqrt(norm));
        }
      }
      float[] bDecHost = new float[dIn];
      for (int j = 0; j < dIn; j++) {
        bDecHost[j] = (float) mean[j];
      }
      NDArray wDec = root.create(wDecHost, new Shape(dSae, dIn)); // [dSae, dIn]
      NDArray wEnc = wDec.transpose().duplicate(); // [dIn, dSae]
      NDArray bEnc = root.zeros(new Shape(dSae)); // [dSae]
      NDArray bDec = root.create(bDecHost, new Shape(dIn)); // [dIn]
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("W_enc", wEnc);
      params.put("b_enc", bEnc);
      params.put("W_dec", wDec);
      params.put("b_dec", bDec);
      params.values().forEach(p -> p.setRequiresGradient(true));
      AdamW adam = new AdamW(params, Set.of(), 0.9, 0.999, 1e-8, 0, root);
      BatchOrder order = new BatchOrder(acts.rows(), config.seed() + 1);
      int steps = Math.max(1, (int) ((long) config.epochs() * acts.rows() / config.batchSize()));
      List<SaePoint> curve = new ArrayList<>();
      double intervalLoss = 0;
      int intervalSteps = 0;
      try (ProgressBar bar = showProgress ? Progress.bar("train-sae", steps, "steps") : null) {
        for (int step = 0; step < steps; step++) {
          double lr = config.learningRate(step, steps);
          try (NDScope scope = new NDScope(); NDManager stepManager = root.newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray x = stepManager.create(acts.gather(order.next(config.batchSize())),
                new Shape(config.batchSize(), dIn)); // [n, dIn]
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
              NDArray pre = x.sub(bDec).matMul(wEnc).add(bEnc); // [n, dSae]
              NDList top = pre.topK(config.k(), -1, true, false); // values, indices [n, k]
              NDArray values = top.get(0).maximum(0f).expandDims(2); // [n, k, 1]
              NDArray rows = wDec.get(new NDIndex("{}", top.get(1).flatten())) // [n * k, dIn]
                  .reshape(new Shape(config.batchSize(), config.k(), dIn)); // [n, k, dIn]
              // The k active decoder rows only: the same sum as f W_dec with f zero elsewhere.
              NDArray reconstruction = values.mul(rows).sum(new int[] {1}).add(bDec); // [n, dIn]
              loss = reconstruction.sub(x).square().sum(new int[] {1}).mean().div((float) variance); // scalar
              collector.backward(loss);
            }
            intervalLoss += loss.getFloat();
            intervalSteps++;
            adam.step(lr);
            wDec.divi(wDec.norm(new int[] {1}, true)); // unit-norm decoder rows
          }
          if ((step + 1) % logEvery(steps) == 0 || step + 1 == steps) {
            curve.add(new SaePoint(step + 1, intervalLoss / intervalSteps, lr));
            if (bar != null) {
              bar.setExtraMessage(String.format(Locale.ROOT, " unexplained variance %.4f", intervalLoss / intervalSteps));
            }
            intervalLoss = 0;
            intervalSteps = 0;
          }
          if (bar != null) {
            bar.step();
          }
        }
      }
      SaeConfig saeConfig = new SaeConfig(Architecture.TOPK, dIn, dSae, config.hook().toString(), true, config.k(),
          false, modelName);
      SaeWeights weights = new SaeWeights(saeConfig, host(wEnc), host(bEnc), host(wDec), host(bDec), null);
      return new TrainedSae(weights, curve, steps, acts.rows(), (System.nanoTime() - t0) / 1e9);
    }
  }

  private static HostTensor host(NDArray a) {
    return HostTensor.of(a.toFloatArray(), a.getShape().getShape());
  }
}
