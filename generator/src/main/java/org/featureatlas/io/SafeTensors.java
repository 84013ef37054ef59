package org.featureatlas.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;

/**
 * A safetensors file, read with positional reads in blocks of at most {@value #READ_BLOCK} bytes (never
 * mapped, so reading a tensor leaves none of the file resident in the process), so files over 2 GiB work.
 * Every header claim is checked on open; {@link #get} converts F16, BF16, I32 and I64 to float, and
 * {@link #read} converts a run of a tensor's values into a buffer (a model's tensors go to the device
 * through a small buffer, one block at a time, without a Java copy of the whole tensor).
 *
 * <p>Format: 8-byte little-endian header length {@code n}, {@code n} bytes of JSON
 * ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}),
 * then the data section; offsets are relative to its start.
 */
public final class SafeTensors implements AutoCloseable {
  /** Bytes read from the file at a time: 4 MiB, a multiple of every element size. */
  static final int READ_BLOCK = 4 << 20;
  private static final long MAX_HEADER = 100L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One tensor's header entry, checked. */
  private record Entry(String name, String dtype, long[] shape, long begin, long end) {}

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, Entry> entries;
  private final Map<String, String> metadata;

  private SafeTensors(Path file, FileChannel channel, long dataStart, Map<String, Entry> entries,
      Map<String, String> metadata) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.entries = entries;
    this.metadata = metadata;
  }

  /** Opens and checks {@code file}; every problem is a one-line {@link AtlasException}. */
  public static SafeTensors open(Path file) {
    Check.readableFile(file);
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
      long size = channel.size();
      Check.file(size >= 8, file, "truncated safetensors file: " + size + " bytes, no header length");
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lenBuf, 0);
      long headerLen = lenBuf.getLong(0);
      Check.file(headerLen >= 2 && headerLen <= MAX_HEADER, file,
          "not a safetensors file: header length " + Long.toUnsignedString(headerLen));
      Check.file(headerLen <= size - 8, file, "truncated safetensors file: header length field says "
          + headerLen + " bytes but only " + (size - 8) + " bytes follow it");
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(channel, header, 8);
      String json = new String(header.array(), StandardCharsets.UTF_8);
      long dataStart = 8 + headerLen;
      long dataLen = size - dataStart;
      Map<String, String> metadata = new TreeMap<>();
      Map<String, Entry> entries = parseHeader(file, json, dataLen, metadata);
      SafeTensors result = new SafeTensors(file, channel, dataStart, Collections.unmodifiableMap(entries),
          Collections.unmodifiableMap(metadata));
      channel = null;
      return result;
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    } finally {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
  }

  private static Map<String, Entry> parseHeader(Path file, String json, long dataLen,
      Map<String, String> metadata) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new AtlasException(file + ": safetensors header is not valid JSON: "
          + e.getOriginalMessage().replace('\n', ' '));
    }
    Check.file(root != null && root.isObject(), file, "safetensors header is not a JSON object");
    Map<String, Entry> entries = new TreeMap<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      JsonNode node = field.getValue();
      if (name.equals("__metadata__")) {
        Check.file(node.isObject(), file, "safetensors __metadata__ is not an object");
        node.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      entries.put(name, parseEntry(file, name, node, dataLen));
    }
    List<Entry> byOffset = new ArrayList<>(entries.values());
    byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    for (int i = 1; i < byOffset.size(); i++) {
      Entry prev = byOffset.get(i - 1);
      Entry cur = byOffset.get(i);
      if (cur.begin() < prev.end()) {
        throw new AtlasException(file + ": tensors " + prev.name() + " and " + cur.name()
            + " overlap (bytes " + prev.begin() + ".." + prev.end() + " and " + cur.begin() + ".."
            + cur.end() + ")");
      }
    }
    return entries;
  }

  private static Entry parseEntry(Path file, String name, JsonNode node, long dataLen) {
    String where = file + ": tensor " + name + ": ";
    if (!node.isObject()) {
      throw new AtlasException(where + "header entry is not an object");
    }
    JsonNode dtypeNode = node.get("dtype");
    JsonNode shapeNode = node.get("shape");
    JsonNode offsetsNode = node.get("data_offsets");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new AtlasException(where + "missing dtype");
    }
    String dtype = dtypeNode.asText();
    if (elementSize(dtype) == 0) {
      throw new AtlasException(where + "unsupported dtype " + dtype
          + " (supported: F32, F16, BF16, I32, I64)");
    }
    if (shapeNode == null || !shapeNode.isArray()) {
      throw new AtlasException(where + "missing shape");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw new AtlasException(where + "bad shape " + shapeNode);
      }
      shape[i] = d.asLong();
    }
    if (offsetsNode == null || !offsetsNode.isArray() || offsetsNode.size() != 2
        || !offsetsNode.get(0).isIntegralNumber() || !offsetsNode.get(1).isIntegralNumber()
        || !offsetsNode.get(0).canConvertToLong() || !offsetsNode.get(1).canConvertToLong()) {
      throw new AtlasException(where + "data_offsets must be [begin, end]");
    }
    long begin = offsetsNode.get(0).asLong();
    long end = offsetsNode.get(1).asLong();
    if (begin < 0 || end < begin) {
      throw new AtlasException(where + "bad data_offsets [" + begin + ", " + end + "]");
    }
    if (end > dataLen) {
      throw new AtlasException(where + "data_offsets [" + begin + ", " + end
          + "] go beyond the end of the file (data section has " + dataLen
          + " bytes; truncated file?)");
    }
    long expected;
    try {
      expected = Math.multiplyExact(HostTensor.elementCount(shape), elementSize(dtype));
    } catch (ArithmeticException e) {
      throw new AtlasException(where + "shape " + Arrays.toString(shape) + " is too large");
    }
    if (end - begin != expected) {
      throw new AtlasException(where + "shape " + Arrays.toString(shape) + " of " + dtype + " needs "
          + expected + " bytes but data_offsets give " + (end - begin));
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  /** Bytes per element of a supported dtype, 0 for an unsupported one. */
  static int elementSize(String dtype) {
    return switch (dtype) {
      case "F32", "I32" -> 4;
      case "F16", "BF16" -> 2;
      case "I64" -> 8;
      default -> 0;
    };
  }

  public Path file() {
    return file;
  }

  /** Tensor names, sorted. */
  public Set<String> names() {
    return entries.keySet();
  }

  public boolean has(String name) {
    return entries.containsKey(name);
  }

  public long[] shape(String name) {
    return entry(name).shape().clone();
  }

  public String dtype(String name) {
    return entry(name).dtype();
  }

  /** The {@code __metadata__} map (sorted; empty if absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  private Entry entry(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new AtlasException(file + ": no tensor named " + name);
    }
    return e;
  }

  /** Number of values of tensor {@code name}. */
  public long count(String name) {
    return HostTensor.elementCount(entry(name).shape());
  }

  /** The tensor {@code name}, converted to float. */
  public HostTensor get(String name) {
    Entry e = entry(name);
    long count = HostTensor.elementCount(e.shape());
    if (count > Integer.MAX_VALUE - 8) {
      throw new AtlasException(file + ": tensor " + name + " has " + count
          + " values, more than a Java array holds");
    }
    float[] out = new float[(int) count];
    read(name, 0, FloatBuffer.wrap(out));
    return new HostTensor(e.shape().clone(), out);
  }

  /**
   * Converts {@code out.remaining()} values of tensor {@code name}, from flat index {@code from} on, to float
   * and puts them into {@code out} (whose position advances by as many).
   */
  public void read(String name, long from, FloatBuffer out) {
    Entry e = entry(name);
    int size = elementSize(e.dtype());
    long n = out.remaining();
    if (from < 0 || n > HostTensor.elementCount(e.shape()) - from) {
      throw new IllegalArgumentException("values " + from + ".." + (from + n) + " of tensor " + name + " "
          + Arrays.toString(e.shape()));
    }
    long pos = dataStart + e.begin() + from * size;
    long end = pos + n * size;
    ByteBuffer block = ByteBuffer.allocate((int) Math.min(READ_BLOCK, end - pos)).order(ByteOrder.LITTLE_ENDIAN);
    try {
      while (pos < end) {
        int bytes = (int) Math.min(block.capacity(), end - pos);
        block.clear().limit(bytes);
        readFully(channel, block, pos);
        block.flip();
        convert(e.dtype(), block, out, bytes / size);
        pos += bytes;
      }
    } catch (IOException ex) {
      throw IoErrors.reading(file, ex);
    }
  }

  private static void convert(String dtype, ByteBuffer src, FloatBuffer out, int n) {
    switch (dtype) {
      case "F32" -> out.put(src.asFloatBuffer());
      case "F16" -> {
        var s = src.asShortBuffer();
        for (int i = 0; i < n; i++) {
          out.put(Float16.halfToFloat(s.get(i)));
        }
      }
      case "BF16" -> {
        var s = src.asShortBuffer();
        for (int i = 0; i < n; i++) {
          out.put(Float16.bf16ToFloat(s.get(i)));
        }
      }
      case "I32" -> {
        var s = src.asIntBuffer();
        for (int i = 0; i < n; i++) {
          out.put(s.get(i));
        }
      }
      case "I64" -> {
        var s = src.asLongBuffer();
        for (int i = 0; i < n; i++) {
          out.put(s.get(i));
        }
      }
      default -> throw new IllegalStateException(dtype);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    }
  }

  @Override
  public String toString() {
    return "SafeTensors[" + file + ", data at " + dataStart + ", " + entries.size() + " tensors]";
  }
}
