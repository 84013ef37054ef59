package org.featureatlas.spark;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Objects;
import org.featureatlas.generate.GenerateRequest;
import org.featureatlas.generate.MemoryBudget;
import org.featureatlas.generate.PartitionedRun;
import org.featureatlas.progress.Stages;

/**
 * The loaded model and SAEs of an executor, kept between its tasks: a task borrows a {@link PartitionedRun.Worker}
 * and gives it back, so an executor that runs one task at a time (docs/spark.md: {@code spark.task.cpus} equal to
 * the executor's cores) loads them once per stage. Workers of one kind (request, budget, pass A or blocks) are kept;
 * asking for another kind closes the idle ones. A task that failed closes its worker instead of giving it back.
 */
final class WorkerPool {
  private record Kind(String request, Long memory, boolean passA) {}

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static Kind kind;
  private static final ArrayDeque<PartitionedRun.Worker> IDLE = new ArrayDeque<>();

  private WorkerPool() {}

  static PartitionedRun.Worker borrow(GenerateRequest req, String requestJson, Long memory, boolean passA) {
    Kind wanted = new Kind(requestJson, memory, passA);
    synchronized (WorkerPool.class) {
      if (!Objects.equals(kind, wanted)) {
        closeIdle();
        kind = wanted;
      }
      PartitionedRun.Worker w = IDLE.poll();
      if (w != null) return w;
    }
    return new PartitionedRun.Worker(req, memory == null ? null : MemoryBudget.of(memory), passA, new Stages(), QUIET);
  }

  static void giveBack(GenerateRequest req, String requestJson, Long memory, boolean passA, PartitionedRun.Worker w, boolean ok) {
    synchronized (WorkerPool.class) {
      if (ok && Objects.equals(kind, new Kind(requestJson, memory, passA))) {
        IDLE.push(w);
        return;
      }
    }
    w.close();
  }

  /** Closes every idle worker (the end of a run on the driver, or another kind of task). */
  static synchronized void closeIdle() {
    for (PartitionedRun.Worker w; (w = IDLE.poll()) != null; ) w.close();
    kind = null;
  }
}
