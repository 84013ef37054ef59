/**
 * Benchmarks run by {@code make bench} and {@code make bench-scale}: each prints its figures against the
 * stated targets (docs/benchmarks.md). {@code GenerateBench} runs {@code atlas generate} in a JVM of its
 * own ({@code GenerateChild}) so each case's peak memory is its own; {@code SparseSae} builds JumpReLU
 * SAEs of a chosen L0; {@code ScaleReport} and {@code ScaleFit} summarise and extrapolate the scale runs;
 * {@code FamilyBench} measures Gemma-2-2B- and Llama-3.2-1B-shaped models (few layers) and their memory.
 */
package org.featureatlas.bench;
