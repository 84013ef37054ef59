package org.featureatlas.render.explain;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The lines of a UTF-8 stream, numbered from 1: a line ends at '\n' (a '\r' before it is dropped), the last one
 * at the end of the stream; a leading byte order mark is dropped. A line that is not valid UTF-8 or longer than
 * {@value #MAX_BYTES} bytes comes back as {@link Line#bad} with the reason, so the caller can skip it and go on.
 */
final class Lines {
  /** The longest line read (a Neuronpedia row with a 1,536-float embedding is about 30 KB). */
  static final int MAX_BYTES = 16 << 20;

  /** Line {@code number}: its text, or null and {@code bad} says why. */
  record Line(int number, String text, String bad) {}

  private final InputStream in;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
  private int number;
  private boolean end;

  Lines(InputStream in) {
    this.in = in;
  }

  /** The next line, or null at the end of the stream. */
  Line next() throws IOException {
    if (end) {
      return null;
    }
    buf.reset();
    boolean tooLong = false;
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (buf.size() < MAX_BYTES) {
        buf.write(b);
      } else {
        tooLong = true;
      }
    }
    if (b == -1) {
      end = true;
      if (buf.size() == 0 && !tooLong) {
        return null;
      }
    }
    number++;
    if (tooLong) {
      return new Line(number, null, "longer than " + (MAX_BYTES >> 20) + " MiB");
    }
    byte[] bytes = buf.toByteArray();
    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    String text;
    try {
      text = utf8.reset().decode(ByteBuffer.wrap(bytes, 0, length)).toString();
    } catch (CharacterCodingException e) {
      return new Line(number, null, "not valid UTF-8");
    }
    if (number == 1 && text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return new Line(number, text, null);
  }
}
