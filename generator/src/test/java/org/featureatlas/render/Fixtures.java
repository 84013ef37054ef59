package org.featureatlas.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.render.synthetic.SyntheticData;
import org.featureatlas.render.synthetic.SyntheticSpec;

/**
 * Test data. The tiny fixture (committed under src/test/resources/fixture/tiny, made by {@link #main})
 * has 7 features over a 64-token vocabulary whose first tokens are hostile strings, encoder-B
 * correlations, feature 3 dead, and notes (hostile ones too) for features 0 and 2 and the front page.
 */
final class Fixtures {
  static final SyntheticSpec TINY = new SyntheticSpec(7, 64, 3, true, true);
  static final int DEAD = 3;

  /** A note that must display literally: markup, script end tags, template syntax, U+2028, bidi, emoji. */
  static final String HOSTILE_NOTE = "# Feature zero\n\nFires on <script>alert('note')</script> and </script>"
      + "<img src=x onerror=alert(1)> and {{ 7*7 }} {% if x %} and \u2028 and \u202Eevil and \u200F and \uD83D\uDE00.\n\n"
      + "[click](javascript:alert(2)) [ok](1.html)\n";

  private Fixtures() {}

  static Path tiny() {
    Path dir = RenderOptions.atlasHome().resolve("generator/src/test/resources/fixture/tiny");
    if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
      throw new IllegalStateException("missing fixture " + dir + " (run Fixtures.main)");
    }
    return dir;
  }

  /** Writes the tiny fixture into {@code dir}. */
  static void writeTiny(Path dir) {
    List<FeatureRecord> records = new ArrayList<>();
    for (int i = 0; i < TINY.dSae(); i++) {
      records.add(i == DEAD ? SyntheticData.dead(i, true) : SyntheticData.feature(TINY, i));
    }
    DataDir.write(dir, SyntheticData.manifest(TINY), SyntheticData.vocab(TINY), records.iterator());
    try {
      Files.createDirectories(dir.resolve("notes"));
      Files.writeString(dir.resolve("notes/0.md"), HOSTILE_NOTE);
      Files.writeString(dir.resolve("notes/2.md"), "A *second* note about **tokens**.\n");
      Files.writeString(dir.resolve("notes/index.md"), "# About this atlas\n\nA tiny fixture. <b>not bold</b>\n");
      Files.writeString(dir.resolve("notes/README.txt"), "ignored: not a note\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A synthetic data directory in {@code dir}. */
  static Path synthetic(Path dir, SyntheticSpec spec) {
    SyntheticData.write(dir, spec);
    return dir;
  }

  /** Regenerates the committed tiny fixture: {@code java ... org.featureatlas.render.Fixtures <dir>}. */
  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    org.featureatlas.fs.AtomicDirectory.deleteTree(dir);
    writeTiny(dir);
  }
}
