package org.featureatlas.progress;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars (with ETA) on standard error, the one style every command uses. */
public final class Progress {
  private Progress() {}

  /**
   * A bar for {@code total} units; close it when done (try-with-resources). On a terminal it redraws in
   * place twice a second; otherwise (logs, CI) it prints a plain line every ten seconds.
   */
  public static ProgressBar bar(String task, long total, String unit) {
    boolean terminal = System.console() != null;
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setUnit(" " + unit, 1)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(terminal ? 500 : 10_000)
        .showSpeed()
        .continuousUpdate()
        .setConsumer(terminal
            ? new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)
            : new me.tongfei.progressbar.DelegatingProgressBarConsumer(System.err::println, 100))
        .build();
  }
}
