/** File-system helpers shared by every stage: atomic output directories. */
package org.featureatlas.fs;
