/**
 * GPT-2: configuration, host weights from Hugging Face safetensors, TransformerLens hook points, and
 * a differentiable DJL forward pass that captures hook values.
 */
package org.featureatlas.model;
