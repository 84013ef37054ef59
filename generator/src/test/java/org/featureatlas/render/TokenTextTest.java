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
  void aLongTokenIsCutAndSaysHowMuch() {
    String sixtyFour = "x".repeat(TokenText.MAX_SHOWN);
    assertEquals(sixtyFour, TokenText.visible(sixtyFour), "up to the limit nothing is cut");
    assertEquals(sixtyFour + "…⟨1 more⟩", TokenText.visible(sixtyFour + "y"));
    String huge = "ab".repeat(5_000_000);
    String shown = TokenText.visible(huge);
    assertEquals("ab".repeat(32) + "…⟨9999936 more⟩", shown);
    assertEquals(TokenText.MAX_SHOWN + "…⟨9999936 more⟩".length(), shown.codePointCount(0, shown.length()));
    // Code points, not chars: 70 emoji show 64 of them.
    assertEquals("\uD83D\uDE00".repeat(64) + "…⟨6 more⟩", TokenText.visible("\uD83D\uDE00".repeat(70)));
  }

  @Test
  void aMarkerIsNeverSplitByTheCut() {
    String shown = TokenText.visible("x".repeat(60) + "\u202E" + "tail");
    assertEquals("x".repeat(60) + "…⟨5 more⟩", shown, "⟨U+202E⟩ would pass 64, so the cut comes before it");
    assertEquals("⟨U+0000⟩".repeat(8) + "…⟨92 more⟩", TokenText.visible("\u0000".repeat(100)));
  }

  @Test
  void everyPlaceATokenIsShownIsCapped() {
    TokenText t = new TokenText(List.of("z".repeat(100_000)));
    assertEquals("z".repeat(64) + "…⟨99936 more⟩", t.show(0));
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
