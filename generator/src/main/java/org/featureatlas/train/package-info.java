/**
 * Training the demo's own model and SAEs on the CPU with DJL autograd: a GPT-2-architecture
 * language model ({@link org.featureatlas.train.ModelTrainer}) through the same
 * {@link org.featureatlas.model.Gpt2Model} forward pass the atlas uses, and TopK sparse
 * autoencoders on one of its hooks ({@link org.featureatlas.train.SaeTrainer}). Both are
 * seeded; {@link org.featureatlas.train.TrainingThreads} says how far a run repeats bit for bit.
 */
package org.featureatlas.train;
