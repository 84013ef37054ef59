/**
 * The fuzz test of every untrusted input: checkpoints (safetensors, {@code config.json}, {@code cfg.json}),
 * token arrays ({@code .npy}), data directories and archives are mutated thousands of times, and every run of
 * the CLI on a mutant must exit 0 or 2 with at most one line on stderr, in bounded time, writing nothing
 * outside its output.
 */
package org.featureatlas.fuzz;
