package org.featureatlas.generate;

/**
 * Something that fills some fields of every feature's record: a {@link Statistic}, or a result that is not
 * accumulated over batches (the logit tables, the neuron alignment, the correlation step's top lists).
 * {@link Generation} assembles a record by asking every part in turn.
 */
interface RecordPart {
  /** Sets this part's fields of feature {@code feature}'s record. */
  void contribute(int feature, RecordFields record);
}
