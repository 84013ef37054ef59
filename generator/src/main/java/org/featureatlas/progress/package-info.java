/** Progress bars and the per-stage timing table every long command prints. */
package org.featureatlas.progress;
