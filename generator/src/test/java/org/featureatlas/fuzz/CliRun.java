package org.featureatlas.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.featureatlas.cli.Atlas;

/**
 * Runs {@code atlas} in this JVM on a worker thread with a time bound, capturing picocli's error stream and
 * whatever reaches {@link System#err} and {@link System#out} meanwhile. A run that does not finish in time is
 * reported as hung; its thread is interrupted and abandoned, and the next run gets a fresh worker.
 */
final class CliRun {
  /** How one run ended: exit code ({@code null} when it hung or threw), the streams, and what escaped. */
  record Result(Integer code, String err, String systemErr, Throwable thrown, boolean hung, long millis) {}

  private volatile Thread current;
  private ExecutorService worker = newWorker();
  private final long timeoutSeconds;

  CliRun(long timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  private ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(task -> {
      Thread t = new Thread(task, "fuzz-cli");
      t.setDaemon(true);
      current = t;
      return t;
    });
  }

  /**
   * Ends a hung run's thread. An interrupt does not stop a runaway loop, and an abandoned one would slow down
   * (or run out of memory for) every later case; on Java 17 Thread.stop still ends it.
   */
  @SuppressWarnings({"removal", "deprecation"})
  private void stopHungWorker() {
    Thread t = current;
    worker.shutdownNow();
    if (t == null) return;
    try {
      t.join(2000);
      if (t.isAlive()) t.stop();
      t.join(5000);
    } catch (UnsupportedOperationException e) {
      // Newer JDKs: leave it (a daemon thread) running.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized Result run(String... args) {
    StringWriter err = new StringWriter();
    ByteArrayOutputStream sysErr = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    PrintStream capturedErr = new PrintStream(sysErr, true, StandardCharsets.UTF_8);
    PrintStream discardedOut = new PrintStream(java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    long start = System.nanoTime();
    System.setOut(discardedOut);
    System.setErr(capturedErr);
    try {
      Future<Integer> f = worker.submit(() -> Atlas.execute(new PrintWriter(java.io.Writer.nullWriter(), true),
          new PrintWriter(err, true), args));
      try {
        int code = f.get(timeoutSeconds, TimeUnit.SECONDS);
        return new Result(code, err.toString(), captured(sysErr), null, false, millis(start));
      } catch (TimeoutException e) {
        f.cancel(true);
        stopHungWorker();
        worker = newWorker();
        return new Result(null, err.toString(), captured(sysErr), null, true, millis(start));
      } catch (ExecutionException e) {
        return new Result(null, err.toString(), captured(sysErr), e.getCause(), false, millis(start));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static String captured(ByteArrayOutputStream b) {
    synchronized (b) {
      return b.toString(StandardCharsets.UTF_8);
    }
  }

  private static long millis(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  void close() {
    worker.shutdownNow();
  }
}
