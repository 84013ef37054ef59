package org.featureatlas.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.SafeTensorsWriter;

/**
 * GPT-2 weights on the host, by Hugging Face name without the optional {@code transformer.} prefix
 * (e.g. {@code h.0.attn.c_attn.weight}). Conv1D weights are {@code [in, out]}: {@code y = x @ W + b}.
 */
public final class Gpt2Weights implements ModelWeights {
  public static final String CONFIG_FILE = "config.json";
  public static final String WEIGHTS_FILE = "model.safetensors";
  private static final String PREFIX = "transformer.";
  private static final String LM_HEAD = "lm_head.weight";
  private static final Pattern BLOCK = Pattern.compile("h\\.(\\d+)\\.");

  private final Gpt2Config config;
  private final WeightSource tensors;
  private final List<String> files;

  private Gpt2Weights(Gpt2Config config, Map<String, HostTensor> tensors) {
    this(config, WeightSource.of(tensors), List.of(CONFIG_FILE, WEIGHTS_FILE));
  }

  private Gpt2Weights(Gpt2Config config, WeightSource tensors, List<String> weightFiles) {
    this.config = config;
    this.tensors = tensors;
    this.files = weightFiles;
  }

  /** Every tensor name and shape a checkpoint of {@code config} must hold (no lm_head), in model order. */
  public static Map<String, long[]> expectedShapes(Gpt2Config config) {
    long d = config.nEmbd();
    long m = config.dMlp();
    Map<String, long[]> s = new LinkedHashMap<>();
    s.put("wte.weight", new long[] {config.vocabSize(), d});
    s.put("wpe.weight", new long[] {config.nPositions(), d});
    for (int i = 0; i < config.nLayer(); i++) {
      String h = "h." + i + ".";
      s.put(h + "ln_1.weight", new long[] {d});
      s.put(h + "ln_1.bias", new long[] {d});
      s.put(h + "attn.c_attn.weight", new long[] {d, 3 * d});
      s.put(h + "attn.c_attn.bias", new long[] {3 * d});
      s.put(h + "attn.c_proj.weight", new long[] {d, d});
      s.put(h + "attn.c_proj.bias", new long[] {d});
      s.put(h + "ln_2.weight", new long[] {d});
      s.put(h + "ln_2.bias", new long[] {d});
      s.put(h + "mlp.c_fc.weight", new long[] {d, m});
      s.put(h + "mlp.c_fc.bias", new long[] {m});
      s.put(h + "mlp.c_proj.weight", new long[] {m, d});
      s.put(h + "mlp.c_proj.bias", new long[] {d});
    }
    s.put("ln_f.weight", new long[] {d});
    s.put("ln_f.bias", new long[] {d});
    return s;
  }

  /**
   * Loads {@code modelDir/config.json} and checks {@code modelDir/model.safetensors} (or a sharded checkpoint, see
   * {@link Checkpoint}) from its header: the block count ({@code n_layer} larger than the number of {@code h.<i>}
   * blocks is refused before any table of {@code n_layer} entries is built) and every tensor's presence and shape.
   * The values are read when the model is built ({@link #newModel}, one tensor at a time) or asked for
   * ({@link #get}, {@link #all}), and checked finite then. Names may carry the {@code transformer.} prefix; extra
   * tensors (attention mask buffers) are ignored.
   */
  public static Gpt2Weights load(Path modelDir) {
    Check.directory(modelDir);
    Gpt2Config config = Gpt2Config.read(modelDir.resolve(CONFIG_FILE));
    List<String> files = new ArrayList<>(List.of(CONFIG_FILE));
    WeightSource source = WeightSource.open(modelDir, "n_layer", BLOCK, "block", config.nLayer(), () -> expectedShapes(config),
        Map.of(LM_HEAD, new long[] {config.vocabSize(), config.nEmbd()}), PREFIX, name -> "", files);
    return new Gpt2Weights(config, source, List.copyOf(files));
  }

  /**
   * Deterministic random weights for tests and benchmarks: N(0, 0.02) matrices and linear biases,
   * LayerNorm weight 1 and bias 0. Each tensor's values depend only on {@code seed} and its name.
   */
  public static Gpt2Weights random(Gpt2Config config, long seed) {
    Map<String, long[]> shapes = expectedShapes(config);
    Map<String, HostTensor> tensors = new TreeMap<>(shapes.keySet().parallelStream().collect(
        java.util.stream.Collectors.toMap(name -> name, name -> randomTensor(name, shapes.get(name), seed))));
    return new Gpt2Weights(config, tensors);
  }

  private static HostTensor randomTensor(String name, long[] shape, long seed) {
    float[] v = new float[Math.toIntExact(HostTensor.elementCount(shape))];
    if (name.contains("ln_") && name.endsWith(".weight")) {
      Arrays.fill(v, 1f);
    } else if (!name.contains("ln_")) {
      SplittableRandom r = new SplittableRandom(seed * 1_000_003L + name.hashCode());
      // Marsaglia's polar method with StrictMath: the same values on every JVM.
      for (int i = 0; i < v.length; i += 2) {
        double a;
        double b;
        double q;
        do {
          a = 2 * r.nextDouble() - 1;
          b = 2 * r.nextDouble() - 1;
          q = a * a + b * b;
        } while (q >= 1 || q == 0);
        double mult = 0.02 * StrictMath.sqrt(-2 * StrictMath.log(q) / q);
        v[i] = (float) (a * mult);
        if (i + 1 < v.length) {
          v[i + 1] = (float) (b * mult);
        }
      }
    }
    return HostTensor.of(v, shape);
  }

  /** Weights from a name map (names without prefix); shapes are checked against {@code config}. */
  public static Gpt2Weights of(Gpt2Config config, Map<String, HostTensor> tensors) {
    Map<String, long[]> expected = new LinkedHashMap<>(expectedShapes(config));
    if (tensors.containsKey(LM_HEAD)) {
      expected.put(LM_HEAD, new long[] {config.vocabSize(), config.nEmbd()});
    }
    Map<String, HostTensor> kept = new TreeMap<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      HostTensor t = tensors.get(e.getKey());
      if (t == null || !Arrays.equals(t.shape(), e.getValue())) {
        throw new IllegalArgumentException("tensor " + e.getKey() + ": expected "
            + Arrays.toString(e.getValue()) + ", got " + t);
      }
      kept.put(e.getKey(), t);
    }
    return new Gpt2Weights(config, kept);
  }

  /** Writes {@code config.json} and {@code model.safetensors} (F16 when {@code f16}) into {@code modelDir}. */
  public void save(Path modelDir, boolean f16) {
    try {
      Files.createDirectories(modelDir);
    } catch (IOException e) {
      throw IoErrors.writing(modelDir, e);
    }
    config.write(modelDir.resolve(CONFIG_FILE));
    SafeTensorsWriter.write(modelDir.resolve(WEIGHTS_FILE), tensors.all(), f16, Map.of("format", "pt"));
  }

  @Override
  public Gpt2Config config() {
    return config;
  }

  @Override
  public long parameterCount() {
    return tensors.parameterCount();
  }

  @Override
  public long largestTensor() {
    return tensors.largestTensor();
  }

  @Override
  public List<String> files() {
    return files;
  }

  @Override
  public Gpt2Model newModel(ai.djl.ndarray.NDManager manager) {
    return new Gpt2Model(this, manager);
  }

  /** The tensor {@code name} (without prefix); from a checkpoint, read (and checked finite) at each call. */
  public HostTensor get(String name) {
    if (!tensors.has(name)) {
      throw new IllegalArgumentException("no GPT-2 tensor named " + name);
    }
    return tensors.get(name);
  }

  public boolean has(String name) {
    return tensors.has(name);
  }

  /** All tensors by name, sorted; from a checkpoint, every tensor is read into Java (tests, {@link #save}). */
  public Map<String, HostTensor> all() {
    return tensors.all();
  }

  /** The tensors, to build the model from. */
  WeightSource source() {
    return tensors;
  }

  /** The unembedding {@code [vocab, d_model]}: {@code lm_head.weight} if present, else {@code wte.weight}. */
  public HostTensor unembed() {
    return get(unembedName());
  }

  /** Name of the unembedding tensor ({@code lm_head.weight} or {@code wte.weight}). */
  public String unembedName() {
    return tensors.has(LM_HEAD) ? LM_HEAD : "wte.weight";
  }
}
