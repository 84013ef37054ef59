package org.featureatlas.data;

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
    try {
      Files.createDirectories(dir.resolve("features"));
      ObjectWriter pretty = Json.mapper().writerWithDefaultPrettyPrinter();
      Files.writeString(dir.resolve(MANIFEST), pretty.writeValueAsString(manifest) + "\n");
      Files.writeString(dir.resolve(VOCAB), Json.mapper().writeValueAsString(vocab) + "\n");
      int expected = 0;
      for (String name : manifest.featureFiles()) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(name)), 1 << 16)) {
          int inFile = 0;
          while (inFile < FEATURES_PER_FILE && features.hasNext()) {
            // Gather a round of members sequentially, then serialise and compress them in parallel.
            List<List<FeatureRecord>> round = new ArrayList<>();
            for (int m = 0; m < MEMBERS_PER_ROUND && inFile < FEATURES_PER_FILE && features.hasNext(); m++) {
              List<FeatureRecord> member = new ArrayList<>(MEMBER);
              while (member.size() < MEMBER && inFile < FEATURES_PER_FILE && features.hasNext()) {
                FeatureRecord record = features.next();
                if (record.index() != expected) {
                  throw new IllegalStateException("feature " + record.index() + " written out of order, expected " + expected);
                }
                expected++;
                inFile++;
                member.add(record);
              }
              round.add(member);
            }
            List<byte[]> compressed = round.parallelStream().map(DataDir::member).collect(Collectors.toList());
            for (byte[] bytes : compressed) out.write(bytes);
          }
        }
      }
      if (expected != manifest.dSae() || features.hasNext()) {
        throw new IllegalStateException("wrote " + expected + " features, manifest says " + manifest.dSae());
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
      Check.file(m.formatVersion() == Manifest.FORMAT_VERSION, file,
          "format_version " + m.formatVersion() + " is not supported (this atlas reads " + Manifest.FORMAT_VERSION + ")");
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

  /** Streams every feature record in index order to {@code sink}. */
  public static void forEachFeature(Path dir, Manifest manifest, Consumer<FeatureRecord> sink) {
    int expected = 0;
    for (String name : manifest.featureFiles()) {
      Path file = Check.readableFile(dir.resolve(name));
      try (BufferedReader in = new BufferedReader(new InputStreamReader(
          new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.UTF_8))) {
        String text;
        int lineNo = 0;
        while ((text = in.readLine()) != null) {
          lineNo++;
          FeatureRecord record;
          try {
            record = Json.mapper().readValue(text, FeatureRecord.class);
          } catch (IOException e) {
            throw new AtlasException(file + ": line " + lineNo + " is not a feature record (" + firstLine(e) + ")", e);
          }
          Check.file(record.index() == expected, file, "line " + lineNo + " holds feature " + record.index() + ", expected " + expected);
          expected++;
          sink.accept(record);
        }
      } catch (EOFException e) {
        throw new AtlasException(file + ": empty or truncated gzip stream", e);
      } catch (IOException e) {
        throw new AtlasException(file + ": cannot read (" + firstLine(e) + ")", e);
      }
    }
    Check.file(expected == manifest.dSae(), dir, "holds " + expected + " features, manifest says " + manifest.dSae());
  }

  /** All feature records in index order. */
  public static List<FeatureRecord> readFeatures(Path dir, Manifest manifest) {
    List<FeatureRecord> all = new ArrayList<>(manifest.dSae());
    forEachFeature(dir, manifest, all::add);
    return all;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
