/**
 * The generation stage: one streaming pass over the dataset (pass A: model up to the hook, SAE encode,
 * mergeable accumulators and a sparse activation cache), a pass over the cache once the global maxima are
 * known (pass B: histograms, interval groups, seeded samples), and a forward pass over the sequences that
 * hold shown examples (pass C: example windows with ablation effects). See feature-math.md.
 */
package org.featureatlas.generate;
