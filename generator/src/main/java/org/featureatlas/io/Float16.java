package org.featureatlas.io;

/** IEEE half precision and bfloat16 conversions (Java 17 has neither). */
public final class Float16 {
  private Float16() {}

  /** The float an IEEE 754 binary16 bit pattern denotes. */
  public static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h >>> 15) << 31;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) { // inf or NaN
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal: mant * 2^-24
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** The binary16 nearest to {@code value} (round half to even; overflow gives infinity). */
  public static short floatToHalf(float value) {
    int f = Float.floatToRawIntBits(value);
    int sign = (f >>> 16) & 0x8000;
    int exp = (f >>> 23) & 0xff;
    int mant = f & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      int m = mant | 0x800000; // implicit bit
      int shift = 14 - e;
      int half = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rest > mid || (rest == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, which is the correct rounding (up to infinity)
    }
    return (short) (sign | half);
  }

  /** The float a bfloat16 bit pattern denotes. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** The bfloat16 nearest to {@code value} (round half to even). */
  public static short floatToBf16(float value) {
    int f = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((f >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((f >>> 16) & 1);
    return (short) ((f + rounding) >>> 16);
  }
}
