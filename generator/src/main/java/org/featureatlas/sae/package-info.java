/** SAELens sparse autoencoders: config, host weights and the DJL encoder. */
package org.featureatlas.sae;
