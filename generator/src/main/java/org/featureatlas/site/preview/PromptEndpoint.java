package org.featureatlas.site.preview;

/**
 * The prompt view's API at {@value #PATH}: GET says what the server runs, POST runs a text. The preview answers it
 * only when it has a model ({@code atlas preview --model DIR --sae DIR}); without one the path is a plain 404, and
 * the site's prompt page says that it needs the model.
 */
public interface PromptEndpoint {
  String PATH = "/__atlas/prompt";

  /** A status and a JSON body. */
  record Answer(int status, byte[] json) {}

  /** What GET answers: the model, the SAE and the limits. */
  Answer info();

  /** What POST answers for a request body of at most {@link #maxBodyBytes()} bytes. */
  Answer answer(byte[] body);

  /** Larger bodies get 413 without being read. */
  int maxBodyBytes();
}
