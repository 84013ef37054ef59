/**
 * The generation stage: one streaming pass over the dataset (pass A: model up to the hook, SAE encode,
 * mergeable accumulators and a sparse activation cache), a pass over the cache once the global maxima are
 * known (pass B: histograms, interval groups, seeded samples), and sweeps of the cache for the shown
 * examples (pass C: example windows with ablation effects; ln_f and the unembedding only, the model's
 * blocks never run again). See feature-math.md. What the
 * run may hold is set by a {@link org.featureatlas.generate.MemoryBudget} ({@code --memory}), which sizes
 * pass C's blocks of {@code ~v} and never changes a number.
 */
package org.featureatlas.generate;
