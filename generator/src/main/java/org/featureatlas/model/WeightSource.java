package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.io.HostTensor;

/**
 * A model's tensors by name (the family's prefix stripped) with their shapes, either in memory (random or trained
 * weights) or in a checkpoint folder. From a checkpoint only the header is read when the weights are loaded: the
 * layer count and every expected tensor's presence and shape are checked there, before anything of the model's size
 * is allocated. The values are read when the model is built ({@link #toDevice}), one tensor at a time and each in
 * blocks of at most {@value #DEVICE_BLOCK} bytes through one reused buffer: the device tensor is allocated whole
 * and filled block by block, so building a model holds its device copy and that buffer, never a Java copy of the
 * model or of a whole tensor (Gemma 2's 256,000 x 2,304 embedding would not fit a Java array anyway). Values are
 * checked finite as they are read; other tensors of the checkpoint (buffers of old exports) are ignored.
 */
final class WeightSource {
  /** Block tensor names of the Llama, Gemma 2 and GPT-NeoX layouts ({@code layers.<i>.}). */
  static final Pattern LAYERS = Pattern.compile("layers\\.(\\d+)\\.");

  /** Bytes of float32 values copied to the device at a time (16 MiB). */
  static final int DEVICE_BLOCK = 16 << 20;

  private final Map<String, long[]> shapes;
  private final Map<String, HostTensor> inMemory;
  private final Path dir;
  private final Map<String, String> stored;

  private WeightSource(Map<String, long[]> shapes, Map<String, HostTensor> inMemory, Path dir,
      Map<String, String> stored) {
    this.shapes = Collections.unmodifiableMap(new TreeMap<>(shapes));
    this.inMemory = inMemory == null ? null : Collections.unmodifiableMap(new TreeMap<>(inMemory));
    this.dir = dir;
    this.stored = stored;
  }

  /** Tensors held in memory (already checked by the caller). */
  static WeightSource of(Map<String, HostTensor> tensors) {
    Map<String, long[]> shapes = new TreeMap<>();
    tensors.forEach((name, t) -> shapes.put(name, t.shape().clone()));
    return new WeightSource(shapes, tensors, null, null);
  }

  /**
   * Checks the checkpoint in {@code dir} against {@code expected} from its header alone.
   *
   * @param layersKey the config key of the layer count, for the error message
   * @param block the pattern of a block's tensor names (prefix stripped), group 1 its index
   * @param blockNoun what a block is called in the error message ("block", "layer")
   * @param nLayer the layer count the config claims
   * @param expected every tensor name (prefix stripped) and its shape, asked for once the layer count is known to
   *     be no larger than the checkpoint's
   * @param optional names read only when the checkpoint holds them (GPT-2's lm_head), with their shapes
   * @param prefix the optional prefix of stored names ({@code transformer.}, {@code model.}, {@code gpt_neox.})
   * @param hint extra words for a missing tensor (may return "")
   * @param files receives the checkpoint's weight files, in order
   */
  static WeightSource open(Path dir, String layersKey, Pattern block, String blockNoun, int nLayer,
      Supplier<Map<String, long[]>> expected, Map<String, long[]> optional, String prefix, Function<String, String> hint,
      List<String> files) {
    Path configFile = dir.resolve(Gpt2Weights.CONFIG_FILE);
    try (Checkpoint st = Checkpoint.open(dir)) {
      files.addAll(st.files());
      Map<String, String> byPlain = new TreeMap<>();
      for (String name : st.names()) {
        byPlain.put(name.startsWith(prefix) ? name.substring(prefix.length()) : name, name);
      }
      int blocks = blockCount(byPlain.keySet(), block);
      Check.file(nLayer <= blocks, configFile, layersKey + " " + nLayer + " but " + st.source().getFileName()
          + " holds " + blocks + " " + blockNoun + (blocks == 1 ? "" : "s"));
      Map<String, long[]> wanted = new LinkedHashMap<>(expected.get());
      optional.forEach((name, shape) -> {
        if (byPlain.containsKey(name)) wanted.put(name, shape);
      });
      Map<String, String> stored = new TreeMap<>();
      for (Map.Entry<String, long[]> e : wanted.entrySet()) {
        String name = byPlain.get(e.getKey());
        Check.file(name != null, st.source(), "missing tensor " + e.getKey() + " (expected shape "
            + Arrays.toString(e.getValue()) + hint.apply(e.getKey()) + ")");
        checkShape(st, name, e.getValue());
        stored.put(e.getKey(), name);
      }
      return new WeightSource(wanted, null, dir, stored);
    }
  }

  private static void checkShape(Checkpoint st, String name, long[] expected) {
    long[] found = st.shape(name);
    Check.file(Arrays.equals(found, expected), st.fileOf(name), "tensor " + name + " has shape "
        + Arrays.toString(found) + ", expected " + Arrays.toString(expected) + " from " + Gpt2Weights.CONFIG_FILE);
  }

  private static int blockCount(Set<String> names, Pattern block) {
    Set<Integer> blocks = new HashSet<>();
    for (String name : names) {
      Matcher m = block.matcher(name);
      if (m.lookingAt()) {
        try {
          blocks.add(Integer.parseInt(m.group(1)));
        } catch (NumberFormatException e) {
          // a block index beyond int range cannot be one of ours
        }
      }
    }
    return blocks.size();
  }

  /** Tensor names, sorted. */
  Set<String> names() {
    return shapes.keySet();
  }

  boolean has(String name) {
    return shapes.containsKey(name);
  }

  /** Parameters (values) of all tensors. */
  long parameterCount() {
    long n = 0;
    for (long[] s : shapes.values()) {
      n += HostTensor.elementCount(s);
    }
    return n;
  }

  /** Values of the largest tensor. */
  long largestTensor() {
    long most = 0;
    for (long[] s : shapes.values()) {
      most = Math.max(most, HostTensor.elementCount(s));
    }
    return most;
  }

  /** The tensor {@code name} on the Java heap (read from the checkpoint, and checked finite, at each call). */
  HostTensor get(String name) {
    if (!shapes.containsKey(name)) {
      throw new IllegalArgumentException("no tensor named " + name);
    }
    if (inMemory != null) {
      return inMemory.get(name);
    }
    try (Checkpoint st = Checkpoint.open(dir)) {
      String s = stored.get(name);
      checkShape(st, s, shapes.get(name));
      HostTensor t = st.get(s);
      Check.finite(t.data(), st.fileOf(s), s);
      return t;
    }
  }

  /** Every tensor on the Java heap, by name, sorted (tests, saving; a model is built with {@link #toDevice}). */
  Map<String, HostTensor> all() {
    if (inMemory != null) {
      return inMemory;
    }
    Map<String, HostTensor> out = new TreeMap<>();
    for (String name : shapes.keySet()) {
      out.put(name, get(name));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Every tensor as a float32 NDArray owned by {@code manager}, named, by name (sorted). From a checkpoint each is
   * read in blocks of whole rows (first dimension) into one reused buffer and copied into the device tensor;
   * a non-finite value is one line naming the file, the tensor and the flat index.
   */
  Map<String, NDArray> toDevice(NDManager manager) {
    return toDevice(manager, DEVICE_BLOCK);
  }

  /** {@link #toDevice(NDManager)} in blocks of at most {@code blockBytes} (at least one row). */
  Map<String, NDArray> toDevice(NDManager manager, int blockBytes) {
    Map<String, NDArray> out = new TreeMap<>();
    if (inMemory != null) {
      for (Map.Entry<String, HostTensor> e : inMemory.entrySet()) {
        NDArray a = Gpt2Model.toNd(e.getValue(), manager);
        a.setName(e.getKey());
        out.put(e.getKey(), a);
      }
      return out;
    }
    ByteBuffer staging = null;
    try (Checkpoint st = Checkpoint.open(dir)) {
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        String name = stored.get(e.getKey());
        Check.file(st.has(name), st.source(), "tensor " + name + " is no longer in the checkpoint (was it"
            + " replaced while loading?)");
        long[] shape = e.getValue();
        checkShape(st, name, shape);
        long count = HostTensor.elementCount(shape);
        if (shape.length == 0 || count == 0) throw new IllegalStateException("tensor " + name + " of shape " + Arrays.toString(shape));
        long rowValues = count / shape[0];
        long rowsPerBlock = Math.max(1, blockBytes / 4 / rowValues);
        long blockValues = Math.min(count, rowsPerBlock * rowValues);
        if (staging == null || staging.capacity() < 4 * blockValues) {
          staging = ByteBuffer.allocateDirect(Math.toIntExact(4 * blockValues)).order(ByteOrder.nativeOrder());
        }
        NDArray a = manager.create(new Shape(shape), DataType.FLOAT32); // uninitialised, filled below
        a.setName(e.getKey());
        out.put(e.getKey(), a);
        long rows = shape[0];
        for (long r = 0; r < rows; r += rowsPerBlock) {
          long n = Math.min(rowsPerBlock, rows - r);
          int values = Math.toIntExact(n * rowValues);
          staging.clear().limit(4 * values);
          FloatBuffer floats = staging.asFloatBuffer();
          st.read(name, r * rowValues, floats);
          checkFinite(staging.asFloatBuffer(), values, r * rowValues, st.fileOf(name), name);
          long[] partShape = shape.clone();
          partShape[0] = n;
          staging.position(0).limit(4 * values);
          try (NDArray part = manager.create(staging, new Shape(partShape), DataType.FLOAT32)) {
            a.set(new NDIndex("{}:{}", r, r + n), part); // [n, ...] into rows r..r+n, in place
          }
        }
      }
    } catch (RuntimeException ex) {
      out.values().forEach(NDArray::close);
      throw ex;
    }
    return out;
  }

  private static void checkFinite(FloatBuffer values, int n, long offset, Path file, String tensor) {
    for (int i = 0; i < n; i++) {
      float v = values.get(i);
      if (!Float.isFinite(v)) {
        throw new AtlasException(file + ": tensor " + tensor + " holds a non-finite value (" + v + ") at flat index "
            + (offset + i));
      }
    }
  }
}
