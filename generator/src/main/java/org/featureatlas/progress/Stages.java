package org.featureatlas.progress;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times named stages of a command and prints a table at the end. Stages are recorded in the order
 * they finish; a repeated name adds to its earlier time.
 */
public final class Stages {
  private final List<String> names = new ArrayList<>();
  private final List<Long> nanos = new ArrayList<>();
  private final long start = System.nanoTime();

  /** Runs {@code body} as the stage {@code name}. */
  public <T> T time(String name, java.util.function.Supplier<T> body) {
    long t0 = System.nanoTime();
    try {
      return body.get();
    } finally {
      add(name, System.nanoTime() - t0);
    }
  }

  public void run(String name, Runnable body) {
    time(name, () -> {
      body.run();
      return null;
    });
  }

  public synchronized void add(String name, long elapsedNanos) {
    int i = names.indexOf(name);
    if (i < 0) {
      names.add(name);
      nanos.add(elapsedNanos);
    } else {
      nanos.set(i, nanos.get(i) + elapsedNanos);
    }
  }

  public synchronized long nanos(String name) {
    int i = names.indexOf(name);
    return i < 0 ? 0 : nanos.get(i);
  }

  /** Prints "stage  seconds  share" rows and the wall-clock total. */
  public synchronized void print(PrintStream out) {
    long total = System.nanoTime() - start;
    int width = Math.max(5, names.stream().mapToInt(String::length).max().orElse(5));
    out.printf(Locale.ROOT, "%-" + width + "s %10s %7s%n", "stage", "seconds", "share");
    for (int i = 0; i < names.size(); i++) {
      out.printf(Locale.ROOT, "%-" + width + "s %10.2f %6.1f%%%n", names.get(i), nanos.get(i) / 1e9,
          100.0 * nanos.get(i) / Math.max(total, 1));
    }
    out.printf(Locale.ROOT, "%-" + width + "s %10.2f%n", "total", total / 1e9);
  }
}
