package org.featureatlas.export;

import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.featureatlas.check.Check;
import org.featureatlas.check.IoErrors;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Json;
import org.featureatlas.data.Manifest;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.fs.OutputGuard;

/**
 * Writes a data directory as a Neuronpedia export (docs/neuronpedia.md): the folder Neuronpedia imports as
 * {@code <modelId>/<sourceId>/}, holding
 *
 * <pre>
 * release.jsonl  model.jsonl  sourceset.jsonl  source.jsonl     one line each
 * features/batch-N.jsonl.gz      features [N*B, (N+1)*B) in ascending index, B = features per batch
 * activations/batch-N.jsonl.gz   their activations, feature by feature (absent when they have none)
 * </pre>
 *
 * The features are streamed, one batch in memory at a time. The output is written under a temporary name
 * and renamed into place ({@link AtomicDirectory}); the same inputs give the same bytes (gzip headers carry
 * no time or name).
 */
public final class NeuronpediaExport {
  public static final String RELEASE = "release.jsonl";
  public static final String MODEL = "model.jsonl";
  public static final String SOURCE_SET = "sourceset.jsonl";
  public static final String SOURCE = "source.jsonl";
  public static final String FEATURES = "features";
  public static final String ACTIVATIONS = "activations";

  /** What the export may replace: a previous export (it has source.jsonl) holding nothing else. */
  static final OutputGuard.Kind KIND = OutputGuard.Kind.owning("a Neuronpedia export", SOURCE,
      Set.of(RELEASE, MODEL, SOURCE_SET, SOURCE, FEATURES, ACTIVATIONS));

  /** What was written. */
  public record Summary(Path target, int features, long activations, int batches) {}

  private NeuronpediaExport() {}

  /** The name of batch file {@code n} in {@code features/} or {@code activations/}. */
  public static String batchName(int n) {
    return "batch-" + n + ".jsonl.gz";
  }

  /** Exports the data directory {@code data} into {@code out}, replacing a previous export there. */
  public static Summary write(Path data, Path out, NeuronpediaOptions options) {
    Check.directory(data);
    OutputGuard.check(out, KIND, List.of(data));
    Manifest manifest = DataDir.readManifest(data);
    List<String> vocab = DataDir.readVocab(data);
    NeuronpediaMapping mapping = new NeuronpediaMapping(options, vocab, data.resolve(DataDir.VOCAB));
    try (AtomicDirectory dir = AtomicDirectory.create(out)) {
      Path root = dir.path();
      line(root.resolve(RELEASE), NeuronpediaMetadata.release(manifest, options));
      line(root.resolve(MODEL), NeuronpediaMetadata.model(manifest, options));
      line(root.resolve(SOURCE_SET), NeuronpediaMetadata.sourceSet(manifest, options));
      line(root.resolve(SOURCE), NeuronpediaMetadata.source(manifest, options));
      createDirectory(root.resolve(FEATURES));
      createDirectory(root.resolve(ACTIVATIONS));
      Batches batches = new Batches(root, mapping, options.featuresPerBatch());
      DataDir.forEachFeature(data, manifest, batches::add);
      batches.flush();
      dir.commit();
      return new Summary(dir.target(), batches.features, batches.activations, batches.written);
    }
  }

  /** Collects one batch of feature records and writes its two files when it is full. */
  private static final class Batches {
    private final Path root;
    private final NeuronpediaMapping mapping;
    private final int size;
    private final List<FeatureRecord> pending = new ArrayList<>();
    int written;
    int features;
    long activations;

    Batches(Path root, NeuronpediaMapping mapping, int size) {
      this.root = root;
      this.mapping = mapping;
      this.size = size;
    }

    void add(FeatureRecord record) {
      pending.add(record);
      if (pending.size() == size) {
        flush();
      }
    }

    void flush() {
      if (pending.isEmpty()) {
        return;
      }
      List<Object> featureLines = new ArrayList<>(pending.size());
      List<Object> activationLines = new ArrayList<>();
      for (FeatureRecord r : pending) {
        featureLines.add(mapping.feature(r));
        activationLines.addAll(mapping.activations(r));
      }
      String name = batchName(written);
      gzipLines(root.resolve(FEATURES).resolve(name), featureLines);
      // Neuronpedia's importer reads a file's columns from its first line: an empty file would fail it.
      if (!activationLines.isEmpty()) {
        gzipLines(root.resolve(ACTIVATIONS).resolve(name), activationLines);
      }
      features += pending.size();
      activations += activationLines.size();
      written++;
      pending.clear();
    }
  }

  /** One JSON line. */
  private static void line(Path file, Object value) {
    try {
      byte[] json = Json.mapper().writeValueAsBytes(value);
      byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
      line[json.length] = '\n';
      Files.write(file, line);
    } catch (IOException e) {
      throw IoErrors.writing(file, e);
    }
  }

  /**
   * JSON lines, gzip-compressed. {@link GZIPOutputStream} writes a fixed header: modification time 0, no
   * file name, so the bytes depend on the lines only.
   */
  private static void gzipLines(Path file, List<Object> values) {
    try (OutputStream gz = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), 1 << 16)) {
      ObjectWriter writer = Json.mapper().writer();
      for (Object value : values) {
        gz.write(writer.writeValueAsBytes(value));
        gz.write('\n');
      }
    } catch (IOException e) {
      throw IoErrors.writing(file, e);
    }
  }

  private static void createDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw IoErrors.writing(dir, e);
    }
  }
}
