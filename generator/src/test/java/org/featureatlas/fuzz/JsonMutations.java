package org.featureatlas.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Structure-aware edits of JSON text: one value (anywhere in the tree) is replaced by a hostile value,
 * nudged (0, negative, off by one, huge, non-integer, overflowing), turned into a string, null or a
 * container, or removed; or the text itself is mutated byte-wise.
 */
final class JsonMutations {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** Strings a reader might trust: paths out of the directory, markup, control characters, huge text. */
  private static final String[] STRINGS = {"", " ", "x", "0", "-1", "1e9", "NaN", "null", "../escape", "../../../../etc/hostname",
      "/etc/hostname", "features/../../outside.jsonl.gz", "features/features-00000.jsonl.gz", ".", "..", "a\u0000b",
      "<script>alert(1)</script>", "\u202e\ud83d\ude00", "\ud800", "F32", "F16", "BF16", "I64", "F64", "U8", "BOOL",
      "topk", "jumprelu", "standard", "gated", "blocks.0.mlp.hook_post", "blocks.99.hook_resid_pre", "blocks.-1.hook_resid_pre",
      "hook_embed", "gelu", "relu", "gpt2", "llama"};

  private JsonMutations() {}

  /** Mostly a tree edit; sometimes (or when the text does not parse) a byte-wise mutation. */
  static Mutant any(byte[] json, Random r) {
    JsonNode root = null;
    try {
      root = JSON.readTree(json);
    } catch (java.io.IOException e) {
      // fall through to byte-wise mutations
    }
    if (root == null || !root.isContainerNode() || r.nextInt(8) == 0) {
      return ByteMutations.any(json, r);
    }
    int edits = r.nextInt(4) == 0 ? 2 + r.nextInt(3) : 1;
    StringBuilder d = new StringBuilder();
    for (int i = 0; i < edits; i++) {
      if (i > 0) d.append("; ");
      d.append(edit(root, r));
    }
    return new Mutant(write(root), d.toString());
  }

  /**
   * For a config file: mostly a size field (any number in the tree) set to 0, a negative, an off-by-one, a huge
   * or an overflowing value, or to a string or null; otherwise {@link #any}.
   */
  static Mutant config(byte[] json, Random r) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (java.io.IOException e) {
      return ByteMutations.any(json, r);
    }
    List<Spot> numbers = root == null ? List.of() : spots(root).stream().filter(s -> s.get().isNumber()).toList();
    if (numbers.isEmpty() || r.nextInt(5) < 2) {
      return any(json, r);
    }
    Spot s = numbers.get(r.nextInt(numbers.size()));
    JsonNode v = r.nextInt(4) == 0 ? weird(null, r) : nudge(s.get(), r);
    s.set(v);
    return new Mutant(write(root), s.path() + " = " + shortText(v));
  }

  /** A location in a tree: the parent container and a field name or index. */
  record Spot(JsonNode parent, String field, int index, String path) {
    JsonNode get() {
      return field != null ? parent.get(field) : parent.get(index);
    }

    void set(JsonNode v) {
      if (field != null) ((ObjectNode) parent).set(field, v);
      else ((ArrayNode) parent).set(index, v);
    }

    void remove() {
      if (field != null) ((ObjectNode) parent).remove(field);
      else ((ArrayNode) parent).remove(index);
    }
  }

  static List<Spot> spots(JsonNode root) {
    List<Spot> out = new ArrayList<>();
    collect(root, "$", out);
    return out;
  }

  private static void collect(JsonNode node, String path, List<Spot> out) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        String p = path + "." + name;
        out.add(new Spot(node, name, -1, p));
        collect(node.get(name), p, out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String p = path + "[" + i + "]";
        out.add(new Spot(node, null, i, p));
        collect(node.get(i), p, out);
      }
    }
  }

  /** One edit somewhere in {@code root}; returns its description. */
  static String edit(JsonNode root, Random r) {
    List<Spot> spots = spots(root);
    if (spots.isEmpty()) {
      if (root.isObject()) {
        ((ObjectNode) root).set("x", weird(null, r));
        return "add $.x";
      }
      ((ArrayNode) root).add(weird(null, r));
      return "add to empty $";
    }
    Spot s = spots.get(r.nextInt(spots.size()));
    return edit(s, r);
  }

  static String edit(Spot s, Random r) {
    JsonNode old = s.get();
    int action = r.nextInt(10);
    if (action < 5) {
      JsonNode v = weird(old, r);
      s.set(v);
      return s.path() + " = " + shortText(v);
    } else if (action < 7) {
      s.remove();
      return "remove " + s.path();
    } else if (action == 7 && s.parent().isArray()) {
      ((ArrayNode) s.parent()).insert(s.index(), old.deepCopy());
      return "duplicate " + s.path();
    } else if (action == 8 && old.isContainerNode() && old.size() > 0) {
      JsonNode empty = old.isObject() ? F.objectNode() : F.arrayNode();
      s.set(empty);
      return s.path() + " = empty " + (old.isObject() ? "object" : "array");
    } else if (s.parent().isObject()) {
      JsonNode v = weird(null, r);
      ((ObjectNode) s.parent()).set(s.field() + "_extra", v);
      return "add " + s.path() + "_extra = " + shortText(v);
    } else {
      JsonNode v = weird(old, r);
      ((ArrayNode) s.parent()).add(v);
      return "append " + shortText(v) + " to " + s.path().substring(0, s.path().lastIndexOf('['));
    }
  }

  /** A hostile replacement for {@code old}; numbers are mostly nudged, so sizes go off by one or overflow. */
  static JsonNode weird(JsonNode old, Random r) {
    if (old != null && old.isNumber() && r.nextInt(3) > 0) {
      return nudge(old, r);
    }
    return switch (r.nextInt(12)) {
      case 0 -> F.nullNode();
      case 1 -> F.numberNode(0);
      case 2 -> F.numberNode(-1);
      case 3 -> F.numberNode(1L << 31);
      case 4 -> F.numberNode(Long.MAX_VALUE);
      case 5 -> F.numberNode(new BigInteger("123456789012345678901234567890"));
      case 6 -> F.numberNode(1e308);
      case 7 -> F.numberNode(2.5);
      case 8 -> F.booleanNode(r.nextBoolean());
      case 9 -> r.nextBoolean() ? F.arrayNode().add(1) : F.objectNode().put("a", 1);
      case 10 -> F.textNode("z".repeat(r.nextBoolean() ? 300 : 200_000));
      default -> F.textNode(STRINGS[r.nextInt(STRINGS.length)]);
    };
  }

  static JsonNode nudge(JsonNode n, Random r) {
    long v = n.asLong();
    double x = n.asDouble();
    return switch (r.nextInt(17)) {
      case 14 -> F.numberNode(1 << 16);
      case 15 -> F.numberNode(1 << 24);
      case 16 -> F.numberNode(1 << 30);
      case 0 -> F.numberNode(0);
      case 1 -> F.numberNode(-v);
      case 2 -> F.numberNode(v + 1);
      case 3 -> F.numberNode(v - 1);
      case 4 -> F.numberNode(v * 1000);
      case 5 -> F.numberNode(v << 20);
      case 6 -> F.numberNode(Integer.MAX_VALUE);
      case 7 -> F.numberNode((1L << 32) + v);
      case 8 -> F.numberNode(x + 0.5);
      case 9 -> F.numberNode(-x * 1e6);
      case 10 -> F.textNode(n.asText());
      case 11 -> F.numberNode(Double.MAX_VALUE);
      case 12 -> F.numberNode(1e-320);
      default -> F.numberNode(Long.MIN_VALUE);
    };
  }

  static byte[] write(JsonNode root) {
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String shortText(JsonNode v) {
    String s = v.toString();
    return s.length() > 40 ? s.substring(0, 37) + "...(" + s.length() + " chars)" : s;
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
