package org.featureatlas.render.explain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.IoErrors;

/**
 * Reads one explanations file, by its name: {@code .jsonl} (Neuronpedia's explanations export: one JSON object a
 * line with {@code index} and {@code description}, and {@code modelId}, {@code layer}, {@code typeName},
 * {@code explanationModelName} used when present) or {@code .csv} (RFC 4180 {@code index,description}; a first
 * row {@code index,description} is a header), either of them gzipped ({@code .gz}). Each good row goes to the
 * {@link Sink} in file order; each bad row is a warning with its line and is skipped.
 */
final class ExplanationFile {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

  /** Where good rows go. */
  interface Sink {
    void add(int feature, Explanation explanation);
  }

  enum Kind { JSONL, CSV }

  private ExplanationFile() {}

  /** The kind of {@code file} by its name, or null when it is not an explanations file. */
  static Kind kind(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    return name.endsWith(".jsonl") ? Kind.JSONL : name.endsWith(".csv") ? Kind.CSV : null;
  }

  /**
   * Reads {@code file}: features must be below {@code dSae}; with a {@code source}, JSONL rows of other sources
   * are left out (counted in one warning). A file that cannot be read at all is an {@link AtlasException}.
   */
  static void read(Path file, int dSae, Source source, Consumer<String> warn, Sink sink) {
    Kind kind = kind(file);
    if (kind == null) {
      throw new AtlasException(file + ": not an explanations file (its name must end in .jsonl, .csv, .jsonl.gz or .csv.gz)");
    }
    RowWarnings warnings = new RowWarnings(file, warn);
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = new BufferedInputStream(file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")
            ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16)) {
      Lines lines = new Lines(in);
      if (kind == Kind.JSONL) {
        jsonl(lines, dSae, source, warnings, sink);
      } else {
        csv(new CsvRows(lines), dSae, warnings, sink);
      }
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    }
    warnings.finish();
  }

  private static void jsonl(Lines lines, int dSae, Source source, RowWarnings warnings, Sink sink) throws IOException {
    Set<String> sources = new LinkedHashSet<>();
    long otherSources = 0;
    for (Lines.Line line; (line = lines.next()) != null; ) {
      if (line.bad() != null) {
        warnings.row(line.number(), line.bad());
        continue;
      }
      if (line.text().isBlank()) {
        continue;
      }
      JsonNode row;
      try {
        row = JSON.readTree(line.text());
      } catch (JsonProcessingException e) {
        warnings.row(line.number(), "not valid JSON (" + String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("") + ")");
        continue;
      }
      if (row == null || !row.isObject()) {
        warnings.row(line.number(), "not a JSON object");
        continue;
      }
      String model = text(row, "modelId");
      String layer = text(row, "layer");
      if (source != null && !(source.model().equals(model) && source.id().equals(layer))) {
        otherSources++;
        continue;
      }
      JsonNode index = row.get("index");
      String description = text(row, "description");
      Integer feature = feature(index, dSae, line.number(), warnings);
      if (feature == null) {
        continue;
      }
      if (description == null) {
        warnings.row(line.number(), row.hasNonNull("description") ? "\"description\" is not a string" : "no \"description\"");
        continue;
      }
      if (description.isBlank()) {
        warnings.row(line.number(), "empty description");
        continue;
      }
      if (sources.size() < 4 && model != null && layer != null) {
        sources.add(model + "/" + layer);
      }
      sink.add(feature, new Explanation(description, text(row, "typeName"), text(row, "explanationModelName")));
    }
    if (otherSources > 0) {
      warnings.file(otherSources + " rows of sources other than " + source + " left out (--explanations-source)");
    }
    if (source == null && sources.size() > 1) {
      warnings.file("rows of " + (sources.size() < 4 ? "" : "at least ") + sources.size() + " sources ("
          + String.join(", ", sources.stream().map(RowWarnings::quote).toList())
          + "), all of them used; --explanations-source MODEL_ID/SOURCE_ID keeps one");
    }
  }

  private static void csv(CsvRows rows, int dSae, RowWarnings warnings, Sink sink) throws IOException {
    boolean first = true;
    for (CsvRows.Row row; (row = rows.next()) != null; first = false) {
      if (row.bad() != null) {
        warnings.row(row.line(), row.bad());
        continue;
      }
      List<String> f = row.fields();
      if (first && f.size() == 2 && f.get(0).strip().equalsIgnoreCase("index")
          && f.get(1).strip().equalsIgnoreCase("description")) {
        continue;
      }
      if (f.size() != 2) {
        warnings.row(row.line(), f.size() + (f.size() == 1 ? " field" : " fields")
            + ", expected 2 (index,description; quote a description that holds a comma)");
        continue;
      }
      String index = f.get(0).strip();
      Integer feature = DIGITS.matcher(index).matches() ? inRange(Long.parseLong(index), dSae, row.line(), warnings)
          : notAnIndex(RowWarnings.quote(f.get(0)), row.line(), warnings);
      if (feature == null) {
        continue;
      }
      if (f.get(1).isBlank()) {
        warnings.row(row.line(), "empty description");
        continue;
      }
      sink.add(feature, new Explanation(f.get(1), null, null));
    }
  }

  /** A JSONL row's index: a string of digits (Neuronpedia writes it so) or a whole JSON number. */
  private static Integer feature(JsonNode index, int dSae, int line, RowWarnings warnings) {
    if (index == null || index.isNull()) {
      warnings.row(line, "no \"index\"");
      return null;
    }
    if (index.isTextual() && DIGITS.matcher(index.asText()).matches()) {
      return inRange(Long.parseLong(index.asText()), dSae, line, warnings);
    }
    if (index.isIntegralNumber() && index.canConvertToLong() && index.longValue() >= 0) {
      return inRange(index.longValue(), dSae, line, warnings);
    }
    return notAnIndex(index.isTextual() ? RowWarnings.quote(index.asText()) : RowWarnings.quote(index.toString()), line, warnings);
  }

  private static Integer notAnIndex(String shown, int line, RowWarnings warnings) {
    warnings.row(line, "index " + shown + " is not a feature index (a whole number from 0)");
    return null;
  }

  private static Integer inRange(long index, int dSae, int line, RowWarnings warnings) {
    if (index >= dSae) {
      warnings.row(line, "feature " + index + " is out of range (the atlas has " + dSae + " features, 0 to " + (dSae - 1) + ")");
      return null;
    }
    return (int) index;
  }

  private static String text(JsonNode row, String field) {
    JsonNode v = row.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
