package org.featureatlas.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Float16Test {
  @Test
  void knownHalfBitPatterns() {
    assertEquals(1.0f, Float16.halfToFloat((short) 0x3C00));
    assertEquals(-2.0f, Float16.halfToFloat((short) 0xC000));
    assertEquals(65504f, Float16.halfToFloat((short) 0x7BFF));
    assertEquals(0x1p-24f, Float16.halfToFloat((short) 0x0001));
    assertEquals(0x1p-14f, Float16.halfToFloat((short) 0x0400));
    assertEquals(0.333251953125f, Float16.halfToFloat((short) 0x3555));
    assertEquals(Float.POSITIVE_INFINITY, Float16.halfToFloat((short) 0x7C00));
    assertEquals(Float.NEGATIVE_INFINITY, Float16.halfToFloat((short) 0xFC00));
    assertTrue(Float.isNaN(Float16.halfToFloat((short) 0x7E00)));
    assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(Float16.halfToFloat((short) 0x8000)));
  }

  @Test
  void everyHalfRoundTripsAndRoundingIsNearest() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = Float16.halfToFloat((short) bits);
      if (!Float.isNaN(f)) {
        assertEquals(bits, Float16.floatToHalf(f) & 0xffff, "bits " + Integer.toHexString(bits));
      }
    }
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1.0).
    assertEquals(0x3C00, Float16.floatToHalf(1f + 0x1p-11f) & 0xffff);
    assertEquals(0x3C01, Float16.floatToHalf(1f + 0x1.8p-11f) & 0xffff);
    assertEquals(0x7C00, Float16.floatToHalf(70000f) & 0xffff);
    assertEquals(0x0000, Float16.floatToHalf(1e-9f) & 0xffff);
  }

  @Test
  void bfloat16() {
    assertEquals(1.0f, Float16.bf16ToFloat((short) 0x3F80));
    assertEquals(-3.0f, Float16.bf16ToFloat((short) 0xC040));
    assertEquals(0x3F80, Float16.floatToBf16(1.0f) & 0xffff);
    assertEquals(3.140625f, Float16.bf16ToFloat(Float16.floatToBf16(3.14159f)));
  }
}
