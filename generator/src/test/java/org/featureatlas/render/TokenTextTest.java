package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenTextTest {
  @Test
  void newlinesTabsAndInvisibleCodePointsBecomeVisible() {
    assertEquals("a↵b", TokenText.visible("a\nb"));
    assertEquals("⇥x", TokenText.visible("\tx"));
    assertEquals("⟨U+202E⟩abc", TokenText.visible("\u202Eabc"));
    assertEquals("⟨U+200F⟩", TokenText.visible("\u200F"));
    assertEquals("⟨U+2028⟩⟨U+2029⟩", TokenText.visible("\u2028\u2029"));
    assertEquals("⟨U+0000⟩⟨U+0085⟩", TokenText.visible("\u0000\u0085"));
    assertEquals("⟨U+FEFF⟩", TokenText.visible("\uFEFF"));
    assertEquals("⟨U+D800⟩", TokenText.visible("\uD800"), "a lone surrogate");
  }

  @Test
  void ordinaryTextSpacesMarkupAndEmojiStayAsTheyAre() {
    assertEquals("  two", TokenText.visible("  two"));
    assertEquals("</script>{{ x }}&", TokenText.visible("</script>{{ x }}&"));
    assertEquals("\uD83D\uDE00", TokenText.visible("\uD83D\uDE00"));
    assertEquals("∅", TokenText.visible(""));
  }

  @Test
  void runningTextKeepsLineBreaks() {
    assertEquals("a\nb\t⟨U+202E⟩", TokenText.visibleInText("a\nb\t\u202E"));
  }

  @Test
  void unknownIdsAreNamed() {
    TokenText t = new TokenText(List.of("a", "b"));
    assertEquals("b", t.show(1));
    assertEquals("⟨id 7⟩", t.show(7));
    assertEquals("⟨id -1⟩", t.show(-1));
  }
}
