/**
 * Tensor files: a memory-mapped safetensors reader and writer, {@code .npy} integer arrays, and
 * {@code .npz} float32 archives, and the plain host tensor they exchange.
 */
package org.featureatlas.io;
