package org.featureatlas.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.featureatlas.check.IoErrors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files with deterministic bytes: tensors in sorted-name order, header JSON
 * with sorted keys and no spaces, padded with spaces to a multiple of 8 bytes.
 */
public final class SafeTensorsWriter {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private SafeTensorsWriter() {}

  /**
   * Writes {@code tensors} to {@code file} as F32, or F16 when {@code f16}, with optional
   * {@code metadata} (may be empty or null).
   */
  public static void write(Path file, Map<String, HostTensor> tensors, boolean f16,
      Map<String, String> metadata) {
    write(file, tensors, f16 ? "F16" : "F32", metadata);
  }

  /**
   * Writes {@code tensors} to {@code file} as {@code dtype} ({@code F32}, {@code F16} or {@code BF16}, each
   * value rounded to nearest even), with optional {@code metadata} (may be empty or null).
   */
  public static void write(Path file, Map<String, HostTensor> tensors, String dtype,
      Map<String, String> metadata) {
    if (!dtype.equals("F32") && !dtype.equals("F16") && !dtype.equals("BF16")) {
      throw new IllegalArgumentException("dtype " + dtype + " (F32, F16 or BF16)");
    }
    int size = dtype.equals("F32") ? 4 : 2;
    Map<String, HostTensor> sorted = new TreeMap<>(tensors);
    Map<String, Object> header = new TreeMap<>();
    if (metadata != null && !metadata.isEmpty()) {
      header.put("__metadata__", new TreeMap<>(metadata));
    }
    long offset = 0;
    for (Map.Entry<String, HostTensor> e : sorted.entrySet()) {
      long bytes = (long) e.getValue().data().length * size;
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("data_offsets", List.of(offset, offset + bytes));
      entry.put("dtype", dtype);
      entry.put("shape", e.getValue().shape());
      header.put(e.getKey(), entry);
      offset += bytes;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    int padded = (json.length + 7) / 8 * 8;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(json);
      for (int i = json.length; i < padded; i++) {
        out.write(' ');
      }
      ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (HostTensor t : sorted.values()) {
        for (float v : t.data()) {
          if (buf.remaining() < 4) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
          }
          switch (dtype) {
            case "F16" -> buf.putShort(Float16.floatToHalf(v));
            case "BF16" -> buf.putShort(Float16.floatToBf16(v));
            default -> buf.putFloat(v);
          }
        }
      }
      out.write(buf.array(), 0, buf.position());
    } catch (IOException e) {
      throw IoErrors.writing(file, e);
    }
  }
}
