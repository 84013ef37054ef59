package org.featureatlas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Rotary-embedding tables, shared by the rotary families (Llama, Gemma 2, GPT-NeoX). */
final class Rotary {
  private Rotary() {}

  /**
   * {@code cos} and {@code sin} of {@code cat(p f, p f)} for positions {@code p = 0..seq-1} and the inverse
   * frequencies {@code f} ({@code [seq, 2 * f.length]} each), computed in double, then rounded to float.
   */
  static NDArray[] tables(NDManager m, int seq, double[] invFreq) {
    int half = invFreq.length;
    int d = 2 * half;
    float[] cos = new float[seq * d];
    float[] sin = new float[seq * d];
    for (int t = 0; t < seq; t++) {
      for (int j = 0; j < half; j++) {
        double angle = t * invFreq[j];
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        cos[t * d + j] = c;
        cos[t * d + half + j] = c;
        sin[t * d + j] = s;
        sin[t * d + half + j] = s;
      }
    }
    return new NDArray[] {m.create(cos, new Shape(seq, d)), m.create(sin, new Shape(seq, d))}; // [seq, d] x 2
  }
}
