package org.featureatlas.site.preview;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.featureatlas.check.AtlasException;

/**
 * Watches directory trees (recursively; new subdirectories are watched as they appear) and calls
 * {@code onChange} once per burst of changes: after the first change it waits until the trees have
 * been quiet for {@code quietMillis}, so an editor's save (write, rename, touch) triggers one call.
 * {@code onChange} runs on the watcher's own daemon thread, one call at a time.
 */
public final class ChangeWatcher implements AutoCloseable {
  private final WatchService service;
  private final Runnable onChange;
  private final long quietMillis;
  private final Thread thread;

  private ChangeWatcher(WatchService service, Runnable onChange, long quietMillis) {
    this.service = service;
    this.onChange = onChange;
    this.quietMillis = quietMillis;
    this.thread = new Thread(this::loop, "atlas-preview-watch");
    this.thread.setDaemon(true);
  }

  /** Starts watching every existing directory in {@code roots}; missing ones are skipped. */
  public static ChangeWatcher start(List<Path> roots, long quietMillis, Runnable onChange) {
    try {
      ChangeWatcher watcher = new ChangeWatcher(FileSystems.getDefault().newWatchService(), onChange, quietMillis);
      for (Path root : roots) {
        if (Files.isDirectory(root)) {
          watcher.registerTree(root);
        }
      }
      watcher.thread.start();
      return watcher;
    } catch (IOException e) {
      throw new AtlasException("cannot watch " + roots + " for changes (" + e.getMessage() + ")", e);
    }
  }

  private void registerTree(Path root) throws IOException {
    try (Stream<Path> dirs = Files.walk(root)) {
      for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        dir.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
      }
    }
  }

  private void loop() {
    try {
      while (true) {
        WatchKey key = service.take();
        handle(key);
        // Debounce: keep draining until nothing has changed for quietMillis.
        WatchKey more;
        while ((more = service.poll(quietMillis, TimeUnit.MILLISECONDS)) != null) {
          handle(more);
        }
        try {
          onChange.run();
        } catch (RuntimeException e) {
          System.err.println("atlas: preview: " + e.getMessage());
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed: stop watching
    }
  }

  private void handle(WatchKey key) {
    Path dir = (Path) key.watchable();
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == OVERFLOW) {
        continue;
      }
      Path child = dir.resolve((Path) event.context());
      if (event.kind() == ENTRY_CREATE && Files.isDirectory(child)) {
        try {
          registerTree(child);
        } catch (IOException e) {
          System.err.println("atlas: preview: cannot watch " + child + " (" + e.getMessage() + ")");
        }
      }
    }
    key.reset();
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      throw new AtlasException("cannot stop watching for changes (" + e.getMessage() + ")", e);
    }
    thread.interrupt();
  }
}
