package org.featureatlas.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Base91Test {
  @Test
  void everyLengthComesBackThroughTheTestsOwnDecoderAndTheTextIsSafe() {
    Random r = new Random(5);
    long chars = 0;
    long bytes = 0;
    for (int len = 0; len < 300; len++) {
      for (int rep = 0; rep < 20; rep++) {
        byte[] b = new byte[len];
        if (rep == 1) {
          java.util.Arrays.fill(b, (byte) 0);
        } else if (rep == 2) {
          java.util.Arrays.fill(b, (byte) 0xFF);
        } else {
          r.nextBytes(b);
        }
        String s = Base91.encode(b);
        assertArrayEquals(b, PageDataReader.base91(s), "length " + len);
        assertArrayEquals(b, Base91.decode(s), "length " + len);
        assertFalse(s.matches("(?s).*[\"\\\\<\\s].*"), s);
        chars += s.length();
        bytes += len;
      }
    }
    assertTrue(chars < bytes * 1.24, "about 1.23 characters a byte: " + (double) chars / bytes);
  }
}
