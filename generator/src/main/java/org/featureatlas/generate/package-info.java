/**
 * The generation stage ({@link org.featureatlas.generate.Generation}); see docs/generation.md and
 * feature-math.md. A run is, in order:
 * <ol>
 *   <li><b>Pass A</b> ({@code ActivationPass}): the only pass over the dataset and the only one that runs the
 *       model's blocks. Per batch: the forward pass to the hook and the final residual stream, the SAE
 *       encode (and encoder B's), pass A's statistics ({@code Statistics.passA}: moments, top examples), and
 *       the cache on disk ({@code ActivationCache}: both encoders' non-zeros, the hook activations, the final
 *       residual stream). A shard run stops here and saves its statistics; a merge adds them up.
 *   <li><b>Logit effects</b> ({@code LogitEffects}): from the weights only, {@code v = u W_U} in chunks of
 *       features; each feature's logit tables and {@code max|~v|}, never {@code v} whole.
 *   <li><b>Similar features</b> ({@code SimilarFeatures}) and the <b>feature map</b> ({@code MapLayout}, written as
 *       {@code map.json}): from the decoder only, the nearest decoder directions of every feature, and a UMAP-style
 *       2-D layout of the live features' neighbour graph.
 *   <li><b>Correlations</b> ({@code Correlations}, {@code CrossMoments}): sweeps of the cache, a block of
 *       features per sweep as the memory budget allows; only each feature's top correlated neurons and
 *       features of B are kept.
 *   <li><b>Pass B</b>: a sweep of the cache for the statistics that need each feature's range from pass A
 *       ({@code Statistics.passB}: activation histograms, interval counts and seeded samples).
 *   <li><b>Pass C</b> ({@code WindowPass}, {@code Ablation}; {@code DoubleAblation} for a final soft cap or a
 *       post-norm, {@code PostNormPath} for the norm recomputed before it): the shown positions' windows and
 *       ablation effects, with {@code ~v} formed in blocks of features ({@code --memory}); each block sweeps the
 *       cache, and ln_f and the unembedding (and, before a post-norm, the hook's projection) are the only model
 *       work.
 *   <li><b>Write</b>: each record is filled in by every {@code RecordPart} (the statistics, the logit tables,
 *       the neuron alignment, the correlations) and written in index order.
 * </ol>
 * A run can also be split ({@link org.featureatlas.generate.PartitionedRun}): pass A per shard of the batches, the
 * merged states, and every step after pass A per block of features (on the 256-feature chunk grid), with the
 * feature files assembled from the blocks' gzip members; a cluster engine ({@link
 * org.featureatlas.generate.ClusterEngine}: the Spark module) schedules the tasks. The bytes are a single run's.
 * Every accumulator is a {@code Statistic} (add a batch, merge a shard, save and load, fill in its record
 * fields), and every bounded top-k list is a {@code BoundedTopK} with a stated order and tie-break. What the
 * run may hold is set by a {@link org.featureatlas.generate.MemoryBudget} ({@code --memory}), which sizes the
 * correlation blocks and pass C's {@code ~v} blocks and never changes a number.
 *
 * <p>{@link org.featureatlas.generate.PromptModel} runs the same forward pass, hook, centring rule, BOS choice and
 * encoder on one text for the preview's prompt view.
 */
package org.featureatlas.generate;
