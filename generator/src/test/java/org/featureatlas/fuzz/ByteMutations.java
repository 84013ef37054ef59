package org.featureatlas.fuzz;

import java.util.Arrays;
import java.util.Random;

/** Format-blind mutations of a byte array: bit flips, byte overwrites, truncation, insertion, appending. */
final class ByteMutations {
  /** Bytes that often sit on a boundary of a parser's assumptions. */
  private static final int[] INTERESTING = {0, 1, 0x7f, 0x80, 0xff, 0xfe, '"', '{', '}', '[', ']', ',', ':', '\\',
      '\n', '0', '9', '-', 'e', '.', 0x00};

  private ByteMutations() {}

  /** One random format-blind mutation. */
  static Mutant any(byte[] in, Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> bitFlips(in, r);
      case 1 -> overwrite(in, r);
      case 2 -> truncate(in, r);
      case 3 -> insert(in, r);
      case 4 -> append(in, r);
      default -> zeroRange(in, r);
    };
  }

  static Mutant bitFlips(byte[] in, Random r) {
    byte[] b = in.clone();
    if (b.length == 0) return new Mutant(b, "bit flips on an empty file");
    int n = 1 + r.nextInt(r.nextBoolean() ? 2 : 16);
    StringBuilder d = new StringBuilder("flip bits at");
    for (int i = 0; i < n; i++) {
      int pos = position(b.length, r);
      int bit = r.nextInt(8);
      b[pos] ^= (byte) (1 << bit);
      if (i < 4) d.append(' ').append(pos).append('.').append(bit);
    }
    if (n > 4) d.append(" (+").append(n - 4).append(" more)");
    return new Mutant(b, d.toString());
  }

  static Mutant overwrite(byte[] in, Random r) {
    byte[] b = in.clone();
    if (b.length == 0) return new Mutant(b, "overwrite on an empty file");
    int pos = position(b.length, r);
    int len = Math.min(b.length - pos, 1 + r.nextInt(8));
    for (int i = 0; i < len; i++) {
      b[pos + i] = (byte) (r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : r.nextInt(256));
    }
    return new Mutant(b, "overwrite " + len + " bytes at " + pos);
  }

  static Mutant truncate(byte[] in, Random r) {
    int at = in.length == 0 ? 0 : position(in.length, r);
    return new Mutant(Arrays.copyOf(in, at), "truncate to " + at + " of " + in.length + " bytes");
  }

  static Mutant insert(byte[] in, Random r) {
    int pos = in.length == 0 ? 0 : position(in.length, r);
    byte[] extra = new byte[1 + r.nextInt(16)];
    r.nextBytes(extra);
    byte[] b = new byte[in.length + extra.length];
    System.arraycopy(in, 0, b, 0, pos);
    System.arraycopy(extra, 0, b, pos, extra.length);
    System.arraycopy(in, pos, b, pos + extra.length, in.length - pos);
    return new Mutant(b, "insert " + extra.length + " random bytes at " + pos);
  }

  static Mutant append(byte[] in, Random r) {
    byte[] extra = new byte[r.nextBoolean() ? 1 + r.nextInt(8) : 1 + r.nextInt(4096)];
    boolean zeros = r.nextBoolean();
    if (!zeros) r.nextBytes(extra);
    byte[] b = Arrays.copyOf(in, in.length + extra.length);
    System.arraycopy(extra, 0, b, in.length, extra.length);
    return new Mutant(b, "append " + extra.length + (zeros ? " zero" : " random") + " bytes");
  }

  static Mutant zeroRange(byte[] in, Random r) {
    byte[] b = in.clone();
    if (b.length == 0) return new Mutant(b, "zero range on an empty file");
    int pos = position(b.length, r);
    int len = Math.min(b.length - pos, 1 + r.nextInt(64));
    Arrays.fill(b, pos, pos + len, (byte) 0);
    return new Mutant(b, "zero " + len + " bytes at " + pos);
  }

  /** A position in [0, length), biased towards the start, where headers live. */
  static int position(int length, Random r) {
    if (length <= 1) return 0;
    return switch (r.nextInt(3)) {
      case 0 -> r.nextInt(Math.min(length, 64));
      case 1 -> r.nextInt(Math.min(length, 1024));
      default -> r.nextInt(length);
    };
  }
}
