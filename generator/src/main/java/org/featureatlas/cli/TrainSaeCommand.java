package org.featureatlas.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.featureatlas.check.AtlasException;
import org.featureatlas.data.Json;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.model.HookPoint;
import org.featureatlas.progress.Stages;
import org.featureatlas.sae.SaeWeights;
import org.featureatlas.train.HookActivations;
import org.featureatlas.train.SaeEvaluation;
import org.featureatlas.train.SaeMetrics;
import org.featureatlas.train.SaeReport;
import org.featureatlas.train.SaeTrainer;
import org.featureatlas.train.SaeTrainingConfig;
import org.featureatlas.train.TrainedSae;
import org.featureatlas.train.TrainingThreads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atlas train-sae}: trains a TopK SAE on one hook of a model and saves it in SAELens format. */
@Command(name = "train-sae", mixinStandardHelpOptions = true,
    description = {
        "Trains a TopK sparse autoencoder on the CPU (DJL autograd) on one hook of a GPT-2 model, over "
            + "activations of training sequences, and saves it in SAELens format (cfg.json, "
            + "sae_weights.safetensors) with training.json.",
        "Reports the fraction of variance explained, the mean L0 and the dead features on every position of "
            + "the evaluation sequences. Seeded; with --threads 1 a run repeats bit for bit, with more threads to 3-5 digits of its figures."})
public final class TrainSaeCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Hugging Face GPT-2 folder (config.json, model.safetensors)")
  Path model;

  @Option(names = "--train-tokens", required = true, description = ".npy token array [S, T] to train on")
  Path trainTokens;

  @Option(names = "--eval-tokens", required = true, description = ".npy token array [S, T] to measure on (held out)")
  Path evalTokens;

  @Option(names = "--out", required = true, description = "SAE folder to write")
  Path out;

  @Option(names = "--hook", defaultValue = "blocks.0.mlp.hook_post", description = "TransformerLens hook name (default ${DEFAULT-VALUE})")
  String hook;

  @Option(names = "--model-name", defaultValue = "sotu-gpt2-1l", description = "model name recorded in cfg.json (default ${DEFAULT-VALUE})")
  String modelName;

  @Option(names = "--d-sae", defaultValue = "2048") int dSae;
  @Option(names = "--k", defaultValue = "32", description = "features kept per position (default ${DEFAULT-VALUE})") int k;
  @Option(names = "--tokens", defaultValue = "1048576", description = "training positions (whole sequences, drawn by the seed) (default ${DEFAULT-VALUE})") int tokens;
  @Option(names = "--epochs", defaultValue = "1") int epochs;
  @Option(names = "--batch", defaultValue = "2048", description = "activation rows per step (default ${DEFAULT-VALUE})") int batch;
  @Option(names = "--lr", defaultValue = "1e-3") double lr;
  @Option(names = "--seed", defaultValue = "1") long seed;
  @Option(names = "--threads", defaultValue = "2", description = "libtorch intra-op threads; 1 repeats bit for bit, more are faster but repeat only to 3-5 digits (default ${DEFAULT-VALUE})") int threads;

  @Override
  public Integer call() {
    TrainingThreads.set(threads);
    Stages stages = new Stages();
    HookPoint hookPoint = HookPoint.parse(hook);
    Gpt2Weights weights = Gpt2Weights.load(model);
    TokenDataset train = TokenDataset.fromNpy(trainTokens);
    train.validate(trainTokens, weights.config().vocabSize(), weights.config().nPositions());
    TokenDataset eval = TokenDataset.fromNpy(evalTokens);
    eval.validate(evalTokens, weights.config().vocabSize(), weights.config().nPositions());
    SaeTrainingConfig config = new SaeTrainingConfig(hookPoint, dSae, k, tokens, epochs, batch, lr, seed);
    TrainedSae trained = stages.time("train", () -> SaeTrainer.train(config, weights, modelName, train, true));
    stages.run("save", () -> trained.weights().save(out));
    SaeMetrics metrics = stages.time("evaluate", () -> {
      try (NDManager m = NDManager.newBaseManager()) {
        HookActivations acts;
        try (Gpt2Model gpt = new Gpt2Model(weights, m)) {
          acts = HookActivations.collectAll(gpt, hookPoint, eval, m);
        }
        return SaeEvaluation.evaluate(SaeWeights.load(out), acts, m);
      }
    });
    SaeReport report = new SaeReport(modelName, hookPoint.toString(), "topk", trained.weights().config().dIn(), dSae, k,
        trained.trainRows(), epochs, batch, lr, seed, threads, trained.steps(), trained.seconds(), metrics,
        trained.curve());
    Path reportFile = out.resolve("training.json");
    try {
      Json.mapper().writerWithDefaultPrettyPrinter().writeValue(reportFile.toFile(), report);
    } catch (IOException e) {
      throw new AtlasException(reportFile + ": cannot write: " + e.getMessage(), e);
    }
    System.err.printf(Locale.ROOT, "train-sae: held-out fraction of variance explained %.4f, mean L0 %.2f, "
        + "dead features %d of %d (%d positions)%n", metrics.fractionVarianceExplained(), metrics.meanL0(),
        metrics.deadFeatures(), dSae, metrics.positions());
    stages.print(System.err);
    return 0;
  }
}
