package org.featureatlas.bench;

import java.util.Locale;
import org.featureatlas.cli.Atlas;

/**
 * The generate JVM of {@link GenerateBench}: runs {@code atlas <args>} and prints one result line with
 * the exit code, the seconds the command took (loading the inputs included, JVM start-up not) and this
 * JVM's peak resident memory (VmHWM), which then covers generation alone.
 */
public final class GenerateChild {
  static final String RESULT = "bench-child:";

  private GenerateChild() {}

  public static void main(String[] args) {
    long t0 = System.nanoTime();
    int rc;
    try {
      rc = Atlas.execute(args);
    } catch (Throwable e) { // an OutOfMemoryError is a result to report, not a crash of the benchmark
      e.printStackTrace();
      rc = 1;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "%s rc=%d seconds=%.3f peak_kb=%d%n", RESULT, rc, seconds, GenerateBench.peakRssKb());
    System.out.flush();
    System.exit(rc);
  }
}
