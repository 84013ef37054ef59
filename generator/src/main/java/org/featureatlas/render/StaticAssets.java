package org.featureatlas.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.IoErrors;
import org.featureatlas.check.Check;

/** Copies the static directory (scripts, styles) into the site under {@code static/}, in path order. */
final class StaticAssets {
  private StaticAssets() {}

  static int copy(Path dir, SiteSink sink) {
    Check.directory(dir);
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new AtlasException(dir + ": cannot list static files (" + e.getMessage() + ")", e);
    }
    for (Path file : files) {
      String rel = dir.relativize(file).toString().replace('\\', '/');
      try {
        sink.put("static/" + rel, Files.readAllBytes(file));
      } catch (IOException e) {
        throw IoErrors.reading(file, e);
      }
    }
    return files.size();
  }
}
