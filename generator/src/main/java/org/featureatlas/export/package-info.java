/**
 * Exports of a data directory to other tools' formats: {@link org.featureatlas.export.NeuronpediaExport}
 * writes Neuronpedia's import layout (docs/neuronpedia.md). Exports read the data directory only, never the
 * model, and write their output atomically.
 */
package org.featureatlas.export;
