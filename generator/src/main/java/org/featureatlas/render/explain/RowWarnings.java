package org.featureatlas.render.explain;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.featureatlas.render.TokenText;

/**
 * The warnings of one file: {@code FILE:LINE: problem; row skipped} for each of the first {@value #LISTED} bad
 * rows, then one line counting the others, so a broken file of a million rows cannot flood the terminal.
 */
final class RowWarnings {
  static final int LISTED = 20;

  private final Path file;
  private final Consumer<String> out;
  private int bad;

  RowWarnings(Path file, Consumer<String> out) {
    this.file = file;
    this.out = out;
  }

  void row(int line, String problem) {
    bad++;
    if (bad <= LISTED) {
      out.accept(file + ":" + line + ": " + problem + "; row skipped");
    }
  }

  /** A file-wide remark (not a bad row). */
  void file(String remark) {
    out.accept(file + ": " + remark);
  }

  int bad() {
    return bad;
  }

  void finish() {
    if (bad > LISTED) {
      out.accept(file + ": " + (bad - LISTED) + " more bad rows skipped (" + bad + " in all)");
    }
  }

  /** Text from the file as it may be quoted in a warning: control characters visible, at most 64 code points. */
  static String quote(String raw) {
    return "\u201C" + TokenText.visible(raw) + "\u201D";
  }
}
