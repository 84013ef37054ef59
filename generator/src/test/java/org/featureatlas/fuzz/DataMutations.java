package org.featureatlas.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Mutations of a data directory in place: its manifest, vocabulary, feature records (decompressed, edited
 * and recompressed, or corrupted as gzip bytes) and notes. Returns a description and whether a correct
 * renderer must refuse the result (a record that breaks docs/data-format.md, a feature file outside the
 * directory).
 */
final class DataMutations {
  /** Fields every feature record has (docs/data-format.md). */
  private static final String[] REQUIRED = {"index", "density", "max_act", "mean_act", "act_histogram", "logits",
      "neuron_alignment", "top_examples", "intervals"};

  record Result(String description, boolean mustRefuse) {}

  private DataMutations() {}

  static Result apply(Path data, Random r) throws IOException {
    Path manifest = data.resolve("manifest.json");
    Path vocab = data.resolve("vocab.json");
    Path features = data.resolve("features/features-00000.jsonl.gz");
    int k = r.nextInt(20);
    if (k < 5) {
      Mutant m = JsonMutations.any(Files.readAllBytes(manifest), r);
      Files.write(manifest, m.bytes());
      return new Result("manifest.json: " + m.description(), false);
    } else if (k < 7) {
      return featureFileOutside(data, r);
    } else if (k < 9) {
      Mutant m = JsonMutations.any(Files.readAllBytes(vocab), r);
      Files.write(vocab, m.bytes());
      return new Result("vocab.json: " + m.description(), false);
    } else if (k < 13) {
      return editRecord(features, r);
    } else if (k < 15) {
      return invalidRecord(features, r);
    } else if (k < 17) {
      Mutant m = ByteMutations.any(Files.readAllBytes(features), r);
      Files.write(features, m.bytes());
      return new Result("feature file bytes: " + m.description(), false);
    } else if (k < 19) {
      return editLines(features, r);
    } else {
      byte[] note = new byte[1 + r.nextInt(300)];
      r.nextBytes(note);
      String name = new String[] {"0.md", "index.md", "6.md", "7.md", "-1.md", "99999999999.md"}[r.nextInt(6)];
      Files.write(data.resolve("notes").resolve(name), note);
      return new Result("notes/" + name + ": " + note.length + " random bytes", false);
    }
  }

  /** Points feature_files at a valid copy of the feature file that lies outside the data directory. */
  static Result featureFileOutside(Path data, Random r) throws IOException {
    Path outside = data.getParent().resolve("outside.jsonl.gz");
    Files.copy(data.resolve("features/features-00000.jsonl.gz"), outside);
    String[] targets = {"../outside.jsonl.gz", "features/../../outside.jsonl.gz", outside.toAbsolutePath().toString()};
    String t = targets[r.nextInt(targets.length)];
    ObjectNode m = (ObjectNode) JsonMutations.JSON.readTree(data.resolve("manifest.json").toFile());
    m.putArray("feature_files").add(t);
    Files.write(data.resolve("manifest.json"), JsonMutations.write(m));
    return new Result("manifest.json: feature_files = [\"" + t + "\"] (a valid copy lies there)", true);
  }

  /** One edit anywhere in one record. */
  static Result editRecord(Path features, Random r) throws IOException {
    List<String> lines = lines(features);
    int i = r.nextInt(lines.size());
    JsonNode rec = JsonMutations.JSON.readTree(lines.get(i));
    String d = JsonMutations.edit(rec, r);
    lines.set(i, JsonMutations.JSON.writeValueAsString(rec));
    write(features, lines);
    return new Result("record " + i + ": " + d, false);
  }

  /** A record that breaks the format for sure: a required field removed, or a value out of its range. */
  static Result invalidRecord(Path features, Random r) throws IOException {
    List<String> lines = lines(features);
    int i = r.nextInt(lines.size());
    ObjectNode rec = (ObjectNode) JsonMutations.JSON.readTree(lines.get(i));
    String d;
    switch (r.nextInt(5)) {
      case 0, 1 -> {
        String f = REQUIRED[r.nextInt(REQUIRED.length)];
        rec.remove(f);
        d = "remove required " + f;
      }
      case 2 -> {
        double v = new double[] {-5, -0.5, 1.5, 100}[r.nextInt(4)];
        rec.put("density", v);
        d = "density = " + v;
      }
      case 3 -> {
        long v = new long[] {-1, 7, 1000, 1L << 40}[r.nextInt(4)];
        rec.put("index", v);
        d = "index = " + v + " (d_sae is 7)";
      }
      default -> {
        rec.put("max_act", "big");
        d = "max_act = \"big\"";
      }
    }
    lines.set(i, JsonMutations.JSON.writeValueAsString(rec));
    write(features, lines);
    return new Result("record " + i + ": " + d, true);
  }

  /** Drops, duplicates, swaps or blanks a line, or cuts one short. */
  static Result editLines(Path features, Random r) throws IOException {
    List<String> lines = lines(features);
    int i = r.nextInt(lines.size());
    String d;
    boolean refuse = true;
    switch (r.nextInt(6)) {
      case 0 -> {
        lines.remove(i);
        d = "drop record line " + i;
      }
      case 1 -> {
        lines.add(i, lines.get(i));
        d = "duplicate record line " + i;
      }
      case 2 -> {
        int j = (i + 1) % lines.size();
        String a = lines.get(i);
        lines.set(i, lines.get(j));
        lines.set(j, a);
        d = "swap record lines " + i + " and " + j;
        refuse = i != j;
      }
      case 3 -> {
        lines.add(i, r.nextBoolean() ? "" : "   ");
        d = "blank line before record " + i;
        refuse = false;
      }
      case 4 -> {
        String s = lines.get(i);
        lines.set(i, s.substring(0, r.nextInt(s.length())));
        d = "cut record line " + i;
      }
      default -> {
        String v = r.nextBoolean() ? "{}" : r.nextBoolean() ? "[]" : "null";
        lines.add(i, v);
        d = "insert a line '" + v + "' before record " + i;
      }
    }
    write(features, lines);
    return new Result(d, refuse);
  }

  private static List<String> lines(Path gz) throws IOException {
    byte[] raw = ArchiveMutations.gunzip(Files.readAllBytes(gz));
    return new ArrayList<>(Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\n")));
  }

  private static void write(Path gz, List<String> lines) throws IOException {
    Files.write(gz, ArchiveMutations.gzip((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
  }
}
