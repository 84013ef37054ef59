package org.featureatlas.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import me.tongfei.progressbar.ProgressBar;
import org.featureatlas.check.Check;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.io.HostTensor;
import org.featureatlas.model.ForwardOptions;
import org.featureatlas.model.Gpt2Config;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.progress.Progress;

/**
 * Trains a GPT-2-architecture language model with DJL autograd through {@link Gpt2Model}'s
 * forward pass (the one the atlas uses), minimising {@link NextTokenLoss} with {@link AdamW}.
 * Seeded: the weights start from
 * {@link InitialWeights}, batches follow {@link BatchOrder}. See {@link TrainingThreads} for how far
 * a run is bit-for-bit repeatable.
 */
public final class ModelTrainer {
  private static final int EVAL_BATCH = 16;

  private ModelTrainer() {}

  public static TrainedModel train(ModelTrainingConfig config, TokenDataset train, TokenDataset heldOut,
      boolean showProgress) {
    Gpt2Config mc = config.model();
    Check.that(train.seqLen() == mc.nPositions() && heldOut.seqLen() == mc.nPositions(),
        "training sequences must be n_positions = " + mc.nPositions() + " tokens long, got "
            + train.seqLen() + " and " + heldOut.seqLen());
    train.validate(java.nio.file.Path.of("<training sequences>"), mc.vocabSize(), mc.nPositions());
    heldOut.validate(java.nio.file.Path.of("<held-out sequences>"), mc.vocabSize(), mc.nPositions());
    TokenDataset evalSubset = new TokenDataset(Math.min(config.evalSequences(), heldOut.nSeq()), heldOut.seqLen(),
        heldOut.rows(0, Math.min(config.evalSequences(), heldOut.nSeq())));
    long t0 = System.nanoTime();
    List<TrainingPoint> curve = new ArrayList<>();
    try (NDManager root = NDManager.newBaseManager();
        Gpt2Model model = new Gpt2Model(InitialWeights.gpt2(mc, config.seed()), root);
        ProgressBar bar = showProgress ? Progress.bar("train-model", config.steps(), "steps") : null) {
      Map<String, NDArray> params = model.params();
      Set<String> decayed = new TreeSet<>();
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        e.getValue().setRequiresGradient(true);
        if (e.getValue().getShape().dimension() == 2) {
          decayed.add(e.getKey());
        }
      }
      AdamW adam = new AdamW(params, decayed, 0.9, 0.95, 1e-8, config.weightDecay(), root);
      BatchOrder order = new BatchOrder(train.nSeq(), config.seed());
      int seqLen = train.seqLen();
      double intervalLoss = 0;
      int intervalSteps = 0;
      for (int step = 0; step < config.steps(); step++) {
        int[] batch = order.next(config.batchSize());
        int[] ids = new int[batch.length * seqLen];
        for (int b = 0; b < batch.length; b++) {
          System.arraycopy(train.ids(), batch[b] * seqLen, ids, b * seqLen, seqLen);
        }
        double lr = config.learningRate(step);
        try (NDScope scope = new NDScope(); NDManager stepManager = root.newSubManager()) {
          scope.suppressNotUsedWarning();
          NDArray tokens = stepManager.create(ids, new Shape(batch.length, seqLen)); // [B, T]
          NDArray loss;
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.forward(tokens, ForwardOptions.full()).logits(); // [B, T, V]
            loss = NextTokenLoss.mean(logits, tokens);
            collector.backward(loss);
          }
          intervalLoss += loss.getFloat();
          intervalSteps++;
          adam.step(lr);
        }
        boolean last = step + 1 == config.steps();
        if ((step + 1) % config.evalEvery() == 0 || last) {
          double held = NextTokenLoss.evaluate(model, evalSubset, EVAL_BATCH, root);
          curve.add(new TrainingPoint(step + 1, intervalLoss / intervalSteps, held, lr));
          if (bar != null) {
            bar.setExtraMessage(String.format(Locale.ROOT, " train %.3f held-out %.3f", intervalLoss / intervalSteps, held));
          }
          intervalLoss = 0;
          intervalSteps = 0;
        }
        if (bar != null) {
          bar.step();
        }
      }
      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        tensors.put(e.getKey(), HostTensor.of(e.getValue().toFloatArray(), e.getValue().getShape().getShape()));
      }
      long tokens = (long) config.steps() * config.batchSize() * seqLen;
      return new TrainedModel(Gpt2Weights.of(mc, tensors), curve, tokens,
          (double) config.steps() * config.batchSize() / train.nSeq(), (System.nanoTime() - t0) / 1e9);
    }
  }
}
