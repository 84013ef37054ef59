/**
 * Language models behind one interface ({@link org.featureatlas.model.LanguageModel}), one implementation per
 * family (GPT-2; the Llama family: Llama, Mistral, Qwen 2; Gemma 2; GPT-NeoX): configuration, host weights from Hugging Face
 * safetensors (single or sharded), TransformerLens hook points, and DJL forward passes that capture hook values.
 */
package org.featureatlas.model;
