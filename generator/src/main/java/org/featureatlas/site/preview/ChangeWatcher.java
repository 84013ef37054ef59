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
 * Watches directory trees (recursively; new subdirectories, and roots created later, are watched as
 * they appear) and calls
 * {@code onChange} once per burst of changes: after the first change it waits until the trees have
 * been quiet for {@code quietMillis}, so an editor's save (write, rename, touch) triggers one call.
 * {@code onChange} runs on the watcher's own daemon thread, one call at a time.
 */
public final class ChangeWatcher implements AutoCloseable {
  private final WatchService service;
  private final List<Path> roots;
  private final Runnable onChange;
  private final long quietMillis;
  private final Thread thread;

  private ChangeWatcher(WatchService service, List<Path> roots, Runnable onChange, long quietMillis) {
    this.service = service;
    this.roots = roots;
    this.onChange = onChange;
    this.quietMillis = quietMillis;
    this.thread = new Thread(this::loop, "atlas-preview-watch");
    this.thread.setDaemon(true);
  }

  /**
   * Starts watching every directory in {@code roots}. A root that does not exist yet (a data
   * directory without notes) is picked up when it is created, if its parent exists. A root that is a
   * file (an explanations file) is watched through its parent, for that file only.
   */
  public static ChangeWatcher start(List<Path> roots, long quietMillis, Runnable onChange) {
    List<Path> absolute = roots.stream().map(r -> r.toAbsolutePath().normalize()).toList();
    try {
      ChangeWatcher watcher = new ChangeWatcher(FileSystems.getDefault().newWatchService(), absolute, onChange, quietMillis);
      for (Path root : absolute) {
        if (Files.isDirectory(root)) {
          watcher.registerTree(root);
        } else if (root.getParent() != null && Files.isDirectory(root.getParent())) {
          root.getParent().register(watcher.service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
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
        if (!handle(service.take())) {
          continue;
        }
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

  /** Handles one key's events; true when any of them concerns a watched tree. */
  private boolean handle(WatchKey key) {
    Path dir = (Path) key.watchable();
    boolean relevant = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == OVERFLOW) {
        relevant = true;
        continue;
      }
      Path child = dir.resolve((Path) event.context());
      if (roots.stream().noneMatch(child::startsWith)) {
        continue;
      }
      relevant = true;
      if (event.kind() == ENTRY_CREATE && Files.isDirectory(child)) {
        try {
          registerTree(child);
        } catch (IOException e) {
          System.err.println("atlas: preview: cannot watch " + child + " (" + e.getMessage() + ")");
        }
      }
    }
    key.reset();
    return relevant;
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
