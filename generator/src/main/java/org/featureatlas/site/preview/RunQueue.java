package org.featureatlas.site.preview;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * One run at a time, with at most {@code waiting} more waiting their turn (first come, first served); a run that
 * finds the queue full is refused at once with {@link Busy} (the prompt view's 503), never left to pile up.
 */
public final class RunQueue {
  private final Semaphore admitted;
  private final Semaphore running = new Semaphore(1, true);
  private final int waiting;

  public RunQueue(int waiting) {
    if (waiting < 0) throw new IllegalArgumentException("waiting must not be negative");
    this.waiting = waiting;
    this.admitted = new Semaphore(1 + waiting);
  }

  /** Thrown when one run and {@code waiting} more are already in. */
  public static final class Busy extends RuntimeException {
    Busy(String message) {
      super(message);
    }
  }

  /** Runs {@code body} when its turn comes; {@link Busy} when the queue is full. */
  public <T> T run(Supplier<T> body) {
    if (!admitted.tryAcquire()) {
      throw new Busy("the model is busy: one text is running and " + waiting + " are waiting; try again in a moment");
    }
    try {
      running.acquireUninterruptibly();
      try {
        return body.get();
      } finally {
        running.release();
      }
    } finally {
      admitted.release();
    }
  }

  /** Places left now: how many more runs would be admitted (running or waiting) before one is refused. */
  public int places() {
    return admitted.availablePermits();
  }

  public int waiting() {
    return waiting;
  }
}
