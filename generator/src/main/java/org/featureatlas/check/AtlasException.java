package org.featureatlas.check;

/**
 * A problem with the user's input or environment, reported as one line (naming the file and the
 * problem) followed by a non-zero exit. Never used for programming errors.
 */
public final class AtlasException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AtlasException(String message) {
    super(message);
  }

  public AtlasException(String message, Throwable cause) {
    super(message, cause);
  }
}
