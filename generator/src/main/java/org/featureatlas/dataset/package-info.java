/** The token dataset: {@code [sequences, seq_len]} token ids from a {@code .npy} array or a text file. */
package org.featureatlas.dataset;
