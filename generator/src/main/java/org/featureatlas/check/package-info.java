/** Argument and input checks, and the one-line user error type. */
package org.featureatlas.check;
