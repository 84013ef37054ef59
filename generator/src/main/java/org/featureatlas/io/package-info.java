/**
 * Tensor files: a memory-mapped safetensors reader and writer, {@code .npy} integer arrays, and
 * the plain host tensor they exchange.
 */
package org.featureatlas.io;
