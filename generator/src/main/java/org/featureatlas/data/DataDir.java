package org.featureatlas.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.IoErrors;
import org.featureatlas.check.Check;

/**
 * Reads and writes a data directory: {@code manifest.json}, {@code vocab.json} and
 * {@code features/features-NNNNN.jsonl.gz} (one record per line, ascending index,
 * {@value #FEATURES_PER_FILE} per file). Writing goes into a directory the caller makes atomic.
 */
public final class DataDir {
  public static final int FEATURES_PER_FILE = 4096;
  public static final String MANIFEST = "manifest.json";
  public static final String VOCAB = "vocab.json";

  private DataDir() {}

  /** Names of the feature files for {@code dSae} features, in order. */
  public static List<String> featureFiles(int dSae) {
    List<String> names = new ArrayList<>();
    for (int start = 0; start < Math.max(dSae, 1); start += FEATURES_PER_FILE) {
      names.add(String.format("features/features-%05d.jsonl.gz", start / FEATURES_PER_FILE));
    }
    return names;
  }

  /** Records serialised and compressed together: one gzip member each. */
  private static final int MEMBER = 64;

  /** Members compressed in parallel at a time (bounds the memory held). */
  private static final int MEMBERS_PER_ROUND = 8;

  /**
   * Writes manifest, vocab and features (given in ascending index order, exactly d_sae of them). Each
   * feature file is a concatenation of gzip members of {@value #MEMBER} records, which any gzip reader
   * reads as one stream; the members are serialised and compressed in parallel and written in order,
   * so the bytes do not depend on the thread count.
   */
  public static void write(Path dir, Manifest manifest, List<String> vocab, Iterator<FeatureRecord> features) {
    writeHeader(dir, manifest, vocab);
    writeFeatures(dir, 0, manifest.dSae(), features);
  }

  /** Writes {@code manifest.json} and {@code vocab.json} into {@code dir}. */
  public static void writeHeader(Path dir, Manifest manifest, List<String> vocab) {
    try {
      ObjectWriter pretty = Json.mapper().writerWithDefaultPrettyPrinter();
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(MANIFEST), pretty.writeValueAsString(manifest) + "\n");
      Files.writeString(dir.resolve(VOCAB), Json.mapper().writeValueAsString(vocab) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes the records of the features {@code [from, to)} (in ascending index order, exactly {@code to - from}
   * of them) into {@code dir/features/}, under the names of the feature files that hold them. {@code from}
   * must be a multiple of {@value #MEMBER}: each file written then holds exactly the gzip members that a
   * whole write puts there for those features, so the files that several ranges write, concatenated in
   * range order, are byte for byte the whole data directory's file (a cluster run's feature blocks).
   */
  public static void writeFeatures(Path dir, int from, int to, Iterator<FeatureRecord> features) {
    if (from % MEMBER != 0 || from < 0 || to < from) {
      throw new IllegalArgumentException("feature range [" + from + ", " + to + ") must start at a multiple of " + MEMBER);
    }
    try {
      Files.createDirectories(dir.resolve("features"));
      int expected = from;
      List<String> names = featureFiles(Math.max(to, 1));
      for (int file = from / FEATURES_PER_FILE; file < names.size(); file++) {
        int fileEnd = Math.min(to, (file + 1) * FEATURES_PER_FILE);
        if (expected >= fileEnd && !(to == 0 && file == 0)) break;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(names.get(file))), 1 << 16)) {
          while (expected < fileEnd && features.hasNext()) {
            // Gather a round of members sequentially, then serialise and compress them in parallel.
            List<List<FeatureRecord>> round = new ArrayList<>();
            for (int m = 0; m < MEMBERS_PER_ROUND && expected < fileEnd && features.hasNext(); m++) {
              List<FeatureRecord> member = new ArrayList<>(MEMBER);
              while (member.size() < MEMBER && expected < fileEnd && features.hasNext()) {
                FeatureRecord record = features.next();
                if (record.index() != expected) {
                  throw new IllegalStateException("feature " + record.index() + " written out of order, expected " + expected);
                }
                expected++;
                member.add(record);
              }
              round.add(member);
            }
            List<byte[]> compressed = round.parallelStream().map(DataDir::member).collect(Collectors.toList());
            for (byte[] bytes : compressed) out.write(bytes);
          }
        }
      }
      if (expected != to || features.hasNext()) {
        throw new IllegalStateException("wrote features up to " + expected + ", expected up to " + to);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One gzip member holding {@code records} as JSON lines. */
  private static byte[] member(List<FeatureRecord> records) {
    ObjectWriter line = Json.mapper().writer();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
    try (OutputStream gz = new GZIPOutputStream(bytes, 1 << 16) {
      {
        def.setLevel(Deflater.BEST_SPEED); // the data directory is an intermediate: speed over size
      }
    }) {
      for (FeatureRecord record : records) {
        gz.write(line.writeValueAsBytes(record));
        gz.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static Manifest readManifest(Path dir) {
    Path file = Check.readableFile(dir.resolve(MANIFEST));
    try {
      Manifest m = Json.mapper().readValue(file.toFile(), Manifest.class);
      Check.file(m.formatVersion() >= Manifest.OLDEST_READ && m.formatVersion() <= Manifest.FORMAT_VERSION, file,
          "format_version " + m.formatVersion() + " is not supported (this atlas reads " + Manifest.OLDEST_READ + " to "
              + Manifest.FORMAT_VERSION + ")");
      Check.file(m.dSae() >= 0 && m.dIn() >= 0 && m.dVocab() >= 0 && m.nSequences() >= 0 && m.seqLen() >= 0, file,
          "d_sae, d_in, d_vocab, n_sequences and seq_len must not be negative");
      Check.file(m.featureFiles() != null, file, "lacks feature_files");
      int files = featureFiles(m.dSae()).size();
      Check.file(m.featureFiles().size() == files, file, "feature_files lists " + m.featureFiles().size()
          + " files, but d_sae " + m.dSae() + " needs " + files + " (" + FEATURES_PER_FILE + " features a file)");
      for (String name : m.featureFiles()) {
        featureFile(dir, name);
      }
      return m;
    } catch (IOException e) {
      throw new AtlasException(file + ": not a valid manifest (" + firstLine(e) + ")", e);
    }
  }

  public static List<String> readVocab(Path dir) {
    Path file = Check.readableFile(dir.resolve(VOCAB));
    try {
      JsonNode root = Json.mapper().readTree(file.toFile());
      Check.file(root != null && root.isArray(), file, "not a JSON array of token strings");
      List<String> vocab = new ArrayList<>(root.size());
      for (JsonNode entry : root) {
        Check.file(entry.isTextual(), file, "entry " + vocab.size() + " is "
            + (entry.isContainerNode() ? "an " + entry.getNodeType().name().toLowerCase(java.util.Locale.ROOT) : entry)
            + "; expected a string");
        vocab.add(entry.textValue());
      }
      return vocab;
    } catch (IOException e) {
      throw new AtlasException(file + ": not a valid vocab file (" + firstLine(e) + ")", e);
    }
  }

  /**
   * The feature file {@code name} of the manifest in {@code dir}. Refused, naming the manifest: an empty
   * or absolute name, a ".." segment, and a name that leads outside the directory, after normalisation
   * and, where the file exists, after following symbolic links.
   */
  public static Path featureFile(Path dir, String name) {
    Path manifest = dir.resolve(MANIFEST);
    String shown = quote(name);
    Check.file(name != null && !name.isEmpty(), manifest, "feature_files has an empty entry");
    Path rel;
    try {
      rel = Path.of(name);
    } catch (java.nio.file.InvalidPathException e) {
      throw new AtlasException(manifest + ": feature_files entry " + shown + " is not a valid path", e);
    }
    Check.file(!rel.isAbsolute() && !name.startsWith("/") && !name.startsWith("\\"), manifest,
        "feature_files entry " + shown + " is absolute; entries are relative to the data directory");
    boolean dotDot = false;
    for (String part : name.split("[/\\\\]")) {
      dotDot |= part.equals("..");
    }
    Check.file(!dotDot, manifest, "feature_files entry " + shown + " has a '..' segment");
    Path base = dir.toAbsolutePath().normalize();
    Path file = base.resolve(rel).normalize();
    Check.file(file.startsWith(base) && !file.equals(base), manifest,
        "feature_files entry " + shown + " is outside the data directory");
    if (Files.exists(file)) {
      try {
        Check.file(file.toRealPath().startsWith(base.toRealPath()), manifest,
            "feature_files entry " + shown + " leads outside the data directory (through a symbolic link)");
      } catch (IOException e) {
        throw new AtlasException(manifest + ": cannot resolve feature_files entry " + shown + " (" + firstLine(e) + ")", e);
      }
    }
    return file;
  }

  /** {@code s} in double quotes, control characters escaped and cut at 80 characters, for a one-line message. */
  private static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length() && i < 80; i++) {
      char c = s.charAt(i);
      out.append(c < 0x20 || c == 0x7F || c == '"' || c == '\\' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.append(s.length() > 80 ? "\"…" : "\"").toString();
  }

  /**
   * Streams every feature record in index order to {@code sink}. Each record is read strictly and checked
   * against the format ({@link RecordCheck}); a bad one fails with one line naming the file, the line,
   * the feature and the problem.
   */
  public static void forEachFeature(Path dir, Manifest manifest, Consumer<FeatureRecord> sink) {
    RecordCheck check = new RecordCheck(manifest);
    int expected = 0;
    for (String name : manifest.featureFiles()) {
      Path file = Check.readableFile(featureFile(dir, name));
      try (BufferedReader in = new BufferedReader(new InputStreamReader(
          new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.UTF_8))) {
        String text;
        int lineNo = 0;
        while ((text = in.readLine()) != null) {
          lineNo++;
          FeatureRecord record;
          try {
            record = Json.recordReader().readValue(text);
          } catch (IOException e) {
            throw new AtlasException(file + ": line " + lineNo + " (feature " + expected + ") is not a valid feature record ("
                + jsonProblem(e) + ")", e);
          }
          Check.file(record != null, file, "line " + lineNo + " (feature " + expected + ") is null, not a feature record");
          Check.file(record.index() == expected, file, "line " + lineNo + " holds feature " + record.index() + ", expected " + expected);
          String problem = check.problem(record);
          Check.file(problem == null, file, "line " + lineNo + ", feature " + record.index() + ": " + problem);
          expected++;
          sink.accept(record);
        }
      } catch (EOFException e) {
        throw new AtlasException(file + ": empty or truncated gzip stream", e);
      } catch (IOException e) {
        throw IoErrors.reading(file, e);
      }
    }
    Check.file(expected == manifest.dSae(), dir, "holds " + expected + " features, manifest says " + manifest.dSae());
  }

  /** All feature records in index order. */
  public static List<FeatureRecord> readFeatures(Path dir, Manifest manifest) {
    List<FeatureRecord> all = new ArrayList<>(Math.min(manifest.dSae(), FEATURES_PER_FILE));
    forEachFeature(dir, manifest, all::add);
    return all;
  }

  /** Jackson's complaint in one short line, led by the path of the field it is about ("top_examples[0].start: ..."). */
  static String jsonProblem(IOException e) {
    String message = e instanceof JsonProcessingException j && j.getOriginalMessage() != null
        ? j.getOriginalMessage() : String.valueOf(e.getMessage());
    for (String cut : new String[] {"\n", " (set ", " (but might", " (but could", " (for ", "; ", " at [Source"}) {
      int at = message.indexOf(cut);
      if (at > 0) {
        message = message.substring(0, at);
      }
    }
    if (message.length() > 160) {
      message = message.substring(0, 160) + "…";
    }
    StringBuilder path = new StringBuilder();
    if (e instanceof JsonMappingException m) {
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          path.append('[').append(r.getIndex()).append(']');
        }
      }
    }
    return path.length() == 0 ? message : path + ": " + message;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
