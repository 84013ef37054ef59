package org.featureatlas.site.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One run at a time, a bounded queue, and Busy beyond it. */
class RunQueueTest {
  @Test
  void oneRunsTwoWaitTheNextIsRefusedAndTheQueueEmptiesAgain() throws Exception {
    RunQueue queue = new RunQueue(2);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<Integer> first = pool.submit(() -> queue.run(() -> {
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        running.decrementAndGet();
        return 1;
      }));
      assertTrue(started.await(10, TimeUnit.SECONDS));
      Future<Integer> second = pool.submit(() -> queue.run(() -> {
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        running.decrementAndGet();
        return 2;
      }));
      Future<Integer> third = pool.submit(() -> queue.run(() -> 3));
      // Wait until both are admitted (they hold their places while the first runs).
      for (int i = 0; i < 1000 && queue.places() > 0; i++) Thread.sleep(10);
      assertEquals(0, queue.places());
      RunQueue.Busy refused = assertThrows(RunQueue.Busy.class, () -> queue.run(() -> 4));
      assertTrue(refused.getMessage().contains("2 are waiting"), refused.getMessage());
      release.countDown();
      assertEquals(1, first.get(10, TimeUnit.SECONDS));
      assertEquals(2, second.get(10, TimeUnit.SECONDS));
      assertEquals(3, third.get(10, TimeUnit.SECONDS));
      assertEquals(1, most.get(), "runs never overlap");
      assertEquals(5, queue.run(() -> 5), "the queue admits again once it has room");
    } finally {
      pool.shutdownNow();
    }
  }
}
