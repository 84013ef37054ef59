package org.featureatlas.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;

/** Reading the fields of a Hugging Face {@code config.json}, each problem one line naming the file and field. */
final class ConfigJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final JsonNode root;

  private ConfigJson(Path file, JsonNode root) {
    this.file = file;
    this.root = root;
  }

  static ConfigJson read(Path file) {
    Check.readableFile(file);
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AtlasException(file + ": not valid JSON: " + e.getOriginalMessage().replace('\n', ' '));
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    }
    Check.file(root != null && root.isObject(), file, "not a JSON object");
    return new ConfigJson(file, root);
  }

  Path file() {
    return file;
  }

  boolean has(String name) {
    JsonNode n = root.get(name);
    return n != null && !n.isNull();
  }

  JsonNode node(String name) {
    return root.get(name);
  }

  /** A required size: present, an integer in 1..2^31-1. */
  int size(String name) {
    return size(root, name, "");
  }

  /** A size inside {@code node} (whose fields are named {@code where + name} in errors). */
  int size(JsonNode node, String name, String where) {
    JsonNode n = node.get(name);
    Check.file(n != null && !n.isNull(), file, "missing field " + where + name);
    Check.file(n.isIntegralNumber(), file, where + name + " must be an integer, got " + n);
    Check.file(n.canConvertToInt() && n.asInt() > 0, file, where + name + " " + n.asText()
        + " is out of range (1.." + Integer.MAX_VALUE + ")");
    return n.asInt();
  }

  /** An optional size, {@code fallback} when absent or null. */
  int size(String name, int fallback) {
    return has(name) ? size(name) : fallback;
  }

  /** A positive finite number, {@code fallback} when absent or null. */
  double positive(String name, double fallback) {
    return has(name) ? positive(root, name, "") : fallback;
  }

  /** A required positive finite number inside {@code node}. */
  double positive(JsonNode node, String name, String where) {
    JsonNode n = node.get(name);
    Check.file(n != null && !n.isNull(), file, "missing field " + where + name);
    Check.file(n.isNumber() && n.asDouble() > 0 && Double.isFinite(n.asDouble()), file,
        where + name + " must be a positive number, got " + n);
    return n.asDouble();
  }

  boolean bool(String name, boolean fallback) {
    if (!has(name)) {
      return fallback;
    }
    JsonNode n = root.get(name);
    Check.file(n.isBoolean(), file, name + " must be true or false, got " + n);
    return n.asBoolean();
  }

  String text(String name, String fallback) {
    if (!has(name)) {
      return fallback;
    }
    JsonNode n = root.get(name);
    Check.file(n.isTextual(), file, name + " must be a string, got " + n);
    return n.asText();
  }
}
