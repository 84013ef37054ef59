/**
 * Sparse autoencoders: SAELens, EleutherAI sparsify and Gemma Scope folders read into one host-weight
 * form, and the DJL encoder.
 */
package org.featureatlas.sae;
