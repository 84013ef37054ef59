package org.featureatlas.render;

import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.ast.TextCollectingVisitor;
import com.vladsch.flexmark.util.data.MutableDataSet;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.IoErrors;
import org.featureatlas.check.Check;

/**
 * The researchers' notes: {@code <notes>/<index>.md} for a feature and {@code <notes>/index.md} for
 * the front page, Markdown rendered by flexmark with raw HTML escaped, then passed through
 * {@link SafeHtml}: only Markdown's own elements stay, and a link or image whose decoded target is not
 * relative, http(s) or (links only) mailto loses its target (see {@link SafeUrl}). A missing notes
 * directory means no notes. Other files in the directory are ignored.
 */
public final class Notes {
  private static final Pattern FEATURE_NOTE = Pattern.compile("(0|[1-9][0-9]{0,9})\\.md");
  private static final MutableDataSet OPTIONS = new MutableDataSet()
      .set(HtmlRenderer.ESCAPE_HTML, true)
      .set(HtmlRenderer.SOFT_BREAK, "\n");
  private static final Parser PARSER = Parser.builder(OPTIONS).build();
  private static final HtmlRenderer RENDERER = HtmlRenderer.builder(OPTIONS).build();

  private final SortedMap<Integer, String> features;
  private final String front;

  private Notes(SortedMap<Integer, String> features, String front) {
    this.features = features;
    this.front = front;
  }

  public static Notes none() {
    return new Notes(new TreeMap<>(), null);
  }

  /** Reads every note in {@code dir}; a feature note for an index ≥ {@code dSae} is an error. */
  public static Notes load(Path dir, int dSae) {
    if (dir == null || !Files.exists(dir)) {
      return none();
    }
    Check.directory(dir);
    SortedMap<Integer, String> features = new TreeMap<>();
    String front = null;
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().toList();
    } catch (IOException e) {
      throw new AtlasException(dir + ": cannot list notes (" + e.getMessage() + ")", e);
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.equals("index.md")) {
        front = read(file);
      } else if (FEATURE_NOTE.matcher(name).matches()) {
        long index = Long.parseLong(name.substring(0, name.length() - 3));
        Check.file(index < dSae, file, "note for feature " + index + ", but the atlas has " + dSae + " features");
        features.put((int) index, read(file));
      }
    }
    return new Notes(features, front);
  }

  private static String read(Path file) {
    Check.readableFile(file);
    try {
      byte[] bytes = Files.readAllBytes(file);
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new AtlasException(file + ": not valid UTF-8", e);
    } catch (IOException e) {
      throw IoErrors.reading(file, e);
    }
  }

  /** Feature note sources by index, ascending. */
  public SortedMap<Integer, String> features() {
    return Collections.unmodifiableSortedMap(features);
  }

  /** The feature's note as HTML, or null. */
  public String featureHtml(int index) {
    String md = features.get(index);
    return md == null ? null : html(md);
  }

  /** The front page note as HTML, or null. */
  public String frontHtml() {
    return front == null ? null : html(front);
  }

  /** The note's plain text (Markdown syntax removed) with whitespace collapsed, for search; empty without a note. */
  public String searchText(int index) {
    String md = features.get(index);
    if (md == null) {
      return "";
    }
    String text = new TextCollectingVisitor().collectAndGetText(PARSER.parse(TokenText.visibleInText(md)));
    return text.strip().replaceAll("\\s+", " ");
  }

  /**
   * Markdown to HTML; raw HTML in the source comes out escaped, unsafe link and image targets are
   * dropped ({@link SafeHtml}), and invisible or direction-changing code points are shown as ⟨U+XXXX⟩
   * (see {@link TokenText#visibleInText}).
   */
  public static String html(String markdown) {
    return SafeHtml.clean(RENDERER.render(PARSER.parse(TokenText.visibleInText(markdown))));
  }
}
