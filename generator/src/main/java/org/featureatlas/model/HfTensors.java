package org.featureatlas.model;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.featureatlas.check.Check;
import org.featureatlas.io.HostTensor;

/**
 * Reads the tensors a family expects from a Hugging Face checkpoint folder ({@link Checkpoint}: single file or
 * shards): names with an optional prefix stripped, the layer count checked against the header, every expected
 * tensor's presence and header shape checked before its data is read, then its values (finite). Other tensors
 * (buffers of old exports) are ignored. Shared by {@link Gemma2Weights} and {@link NeoxWeights}.
 */
final class HfTensors {
  private static final Pattern BLOCK = Pattern.compile("layers\\.(\\d+)\\.");

  private HfTensors() {}

  /**
   * @param dir the checkpoint folder
   * @param layersKey the config key of the layer count, for the error message
   * @param nLayer the layer count the config claims
   * @param expected every tensor name (prefix stripped) and its shape, in model order
   * @param prefix the optional prefix of stored names ({@code model.}, {@code gpt_neox.})
   * @param hint extra words for a missing tensor (may return "")
   * @param files receives the checkpoint's weight files, in order
   * @return the tensors by stripped name
   */
  static Map<String, HostTensor> read(Path dir, String layersKey, int nLayer, Map<String, long[]> expected,
      String prefix, Function<String, String> hint, List<String> files) {
    Path configFile = dir.resolve(Gpt2Weights.CONFIG_FILE);
    Map<String, HostTensor> tensors = new TreeMap<>();
    try (Checkpoint st = Checkpoint.open(dir)) {
      files.addAll(st.files());
      Map<String, String> stored = new TreeMap<>();
      for (String name : st.names()) {
        stored.put(name.startsWith(prefix) ? name.substring(prefix.length()) : name, name);
      }
      int blocks = blockCount(stored.keySet());
      Check.file(nLayer <= blocks, configFile, layersKey + " " + nLayer + " but " + st.source().getFileName()
          + " holds " + blocks + (blocks == 1 ? " layer" : " layers"));
      for (Map.Entry<String, long[]> e : expected.entrySet()) {
        String name = stored.get(e.getKey());
        Check.file(name != null, st.source(), "missing tensor " + e.getKey() + " (expected shape "
            + Arrays.toString(e.getValue()) + hint.apply(e.getKey()) + ")");
        long[] found = st.shape(name);
        Check.file(Arrays.equals(found, e.getValue()), st.fileOf(name), "tensor " + name + " has shape "
            + Arrays.toString(found) + ", expected " + Arrays.toString(e.getValue()) + " from " + Gpt2Weights.CONFIG_FILE);
        HostTensor t = st.get(name);
        Check.finite(t.data(), st.fileOf(name), name);
        tensors.put(e.getKey(), t);
      }
    }
    return tensors;
  }

  private static int blockCount(Set<String> names) {
    Set<Integer> blocks = new HashSet<>();
    for (String name : names) {
      Matcher m = BLOCK.matcher(name);
      if (m.lookingAt()) {
        try {
          blocks.add(Integer.parseInt(m.group(1)));
        } catch (NumberFormatException e) {
          // not one of ours
        }
      }
    }
    return blocks.size();
  }

  static long parameterCount(Map<String, HostTensor> tensors) {
    long n = 0;
    for (HostTensor t : tensors.values()) {
      n += t.data().length;
    }
    return n;
  }
}
