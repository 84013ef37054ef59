/** Tokenization with a Hugging Face {@code tokenizer.json}, and display strings of token ids. */
package org.featureatlas.tokenize;
