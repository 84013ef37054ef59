package org.featureatlas.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;
import org.featureatlas.io.HostTensor;
import org.featureatlas.io.SafeTensors;

/**
 * The safetensors of a Hugging Face checkpoint folder: one {@code model.safetensors}, or (when that is absent,
 * as in {@code from_pretrained}) {@code model.safetensors.index.json} with the shards its {@code weight_map}
 * names. Every shard is opened and checked up front: a shard missing from the folder, a shard name that is not
 * a plain file name, or a tensor the index places in a shard that does not hold it, is one line naming the
 * index. Tensors are read through {@link SafeTensors}, which converts F16 and BF16 to float32 in Java.
 */
public final class Checkpoint implements AutoCloseable {
  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path source;
  private final List<String> files;
  private final List<SafeTensors> opened;
  private final Map<String, SafeTensors> byTensor;

  private Checkpoint(Path source, List<String> files, List<SafeTensors> opened, Map<String, SafeTensors> byTensor) {
    this.source = source;
    this.files = List.copyOf(files);
    this.opened = opened;
    this.byTensor = Collections.unmodifiableMap(byTensor);
  }

  /** Opens the checkpoint in {@code dir}: {@code model.safetensors} if present, else the sharded index. */
  public static Checkpoint open(Path dir) {
    Path single = dir.resolve(SINGLE);
    Path index = dir.resolve(INDEX);
    if (Files.exists(single)) {
      SafeTensors st = SafeTensors.open(single);
      Map<String, SafeTensors> by = new TreeMap<>();
      for (String name : st.names()) {
        by.put(name, st);
      }
      return new Checkpoint(single, List.of(SINGLE), new ArrayList<>(List.of(st)), by);
    }
    Check.file(Files.exists(index), single, "no such file (nor " + INDEX + ")");
    return openSharded(dir, index);
  }

  private static Checkpoint openSharded(Path dir, Path index) {
    Check.readableFile(index);
    JsonNode root;
    try {
      root = JSON.readTree(index.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AtlasException(index + ": not valid JSON: " + e.getOriginalMessage().replace('\n', ' '));
    } catch (IOException e) {
      throw IoErrors.reading(index, e);
    }
    Check.file(root != null && root.isObject(), index, "not a JSON object");
    JsonNode map = root.get("weight_map");
    Check.file(map != null && map.isObject(), index, "missing weight_map (an object of tensor name to shard file)");
    Check.file(!map.isEmpty(), index, "weight_map is empty");
    Map<String, String> shardOf = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      JsonNode v = e.getValue();
      Check.file(v.isTextual(), index, "weight_map entry " + e.getKey() + " is not a file name: " + v);
      String shard = v.asText();
      Check.file(isPlainFileName(shard), index, "weight_map entry " + e.getKey() + " names " + shard
          + ", which is not a file in the checkpoint folder");
      shardOf.put(e.getKey(), shard);
    }
    Map<String, String> firstTensor = new TreeMap<>();
    shardOf.forEach((tensor, shard) -> firstTensor.putIfAbsent(shard, tensor));
    for (Map.Entry<String, String> e : firstTensor.entrySet()) {
      Path shard = dir.resolve(e.getKey());
      Check.file(Files.isRegularFile(shard), index, "shard " + e.getKey() + " (holding " + e.getValue()
          + " and others) is missing from " + dir);
    }
    List<SafeTensors> opened = new ArrayList<>();
    try {
      Map<String, SafeTensors> shards = new TreeMap<>();
      for (String name : firstTensor.keySet()) {
        SafeTensors st = SafeTensors.open(dir.resolve(name));
        opened.add(st);
        shards.put(name, st);
      }
      Map<String, SafeTensors> by = new TreeMap<>();
      for (Map.Entry<String, String> e : shardOf.entrySet()) {
        SafeTensors st = shards.get(e.getValue());
        Check.file(st.has(e.getKey()), index, "weight_map puts tensor " + e.getKey() + " in " + e.getValue()
            + ", which does not hold it");
        by.put(e.getKey(), st);
      }
      List<String> files = new ArrayList<>();
      files.add(INDEX);
      files.addAll(shards.keySet());
      Checkpoint c = new Checkpoint(index, files, opened, by);
      opened = null;
      return c;
    } finally {
      if (opened != null) {
        opened.forEach(SafeTensors::close);
      }
    }
  }

  private static boolean isPlainFileName(String name) {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0
        || name.indexOf('\0') >= 0) {
      return false;
    }
    try {
      return Path.of(name).getFileName().toString().equals(name);
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  /** The file errors about the checkpoint as a whole name: {@code model.safetensors} or the index. */
  public Path source() {
    return source;
  }

  /** The checkpoint's weight files relative to its folder: {@code model.safetensors}, or the index then the shards sorted. */
  public List<String> files() {
    return files;
  }

  /** Every tensor name (as stored), sorted. */
  public Set<String> names() {
    return byTensor.keySet();
  }

  public boolean has(String name) {
    return byTensor.containsKey(name);
  }

  /** The file holding tensor {@code name}. */
  public Path fileOf(String name) {
    return shard(name).file();
  }

  public long[] shape(String name) {
    return shard(name).shape(name);
  }

  /** The tensor {@code name}, converted to float32. */
  public HostTensor get(String name) {
    return shard(name).get(name);
  }

  /** Values {@code from..from+out.remaining()} of tensor {@code name}, converted to float32, into {@code out}. */
  public void read(String name, long from, java.nio.FloatBuffer out) {
    shard(name).read(name, from, out);
  }

  private SafeTensors shard(String name) {
    SafeTensors st = byTensor.get(name);
    if (st == null) {
      throw new AtlasException(source + ": no tensor named " + name);
    }
    return st;
  }

  @Override
  public void close() {
    for (SafeTensors st : opened) {
      st.close();
    }
  }
}
