package org.featureatlas.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.featureatlas.check.AtlasException;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.fs.TempDirs;

/**
 * One run's shared work directory: where tasks leave what later tasks and the driver read (shard directories, the
 * merged state, the blocks' feature-file parts). Either a plain path that every executor sees (one machine, or a
 * shared mount), used in place, or a URI of a Hadoop file system ({@code hdfs://}, {@code s3a://}, {@code file://},
 * ...), to and from which tasks copy through Hadoop's {@code FileSystem} API. A task writes into a directory of its own attempt and {@link #commit}s it under its
 * final name, replacing what an earlier attempt committed; the driver {@link #delete}s the whole directory at the
 * end, whether the run succeeded or not.
 */
final class SharedDir implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A local absolute path, or a Hadoop URI. */
  private final String root;
  private final boolean local;

  private SharedDir(String root, boolean local) {
    this.root = root;
    this.local = local;
  }

  /**
   * A new work directory: under {@code work} (a path or a Hadoop URI), or, when it is null, beside {@code out}
   * ({@code .<out>.work-<pid>-<n>}, deleted on SIGINT/SIGTERM and by the next run if this process dies).
   */
  static SharedDir create(String work, Path out, Configuration conf) {
    if (work == null) return new SharedDir(TempDirs.create(out, "work").toString(), true);
    String name = "atlas-" + UUID.randomUUID();
    if (!work.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) { // a plain path: used in place
      try {
        return new SharedDir(Files.createDirectories(Path.of(work).toAbsolutePath().resolve(name)).toString(), true);
      } catch (IOException e) {
        throw new AtlasException(work + ": cannot create the work directory (" + e.getMessage() + ")", e);
      }
    }
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(work), name);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.mkdirs(dir)) throw new IOException("mkdirs returned false");
      return new SharedDir(dir.toString(), false);
    } catch (IOException e) {
      throw new AtlasException(work + ": cannot create the work directory (" + e.getMessage() + ")", e);
    }
  }

  boolean local() {
    return local;
  }

  @Override
  public String toString() {
    return root;
  }

  /**
   * A new, empty directory for one attempt's output that will be committed as {@code rel}: beside its final place
   * when the work directory is local, else under {@code scratch} (the executor's local disk).
   */
  Path attemptDir(String rel, long attemptId, Path scratch) throws IOException {
    if (local) {
      Path target = Path.of(root).resolve(rel);
      Files.createDirectories(target.getParent());
      Path dir = target.resolveSibling("." + target.getFileName() + ".attempt-" + attemptId);
      AtomicDirectory.deleteTree(dir);
      return Files.createDirectories(dir);
    }
    Path dir = scratch.resolve("attempt-" + attemptId + "-" + rel.replace('/', '_'));
    AtomicDirectory.deleteTree(dir);
    return Files.createDirectories(dir);
  }

  /** Puts the finished attempt directory {@code dir} in place as {@code rel}, replacing an earlier attempt's. */
  void commit(Path dir, String rel, long attemptId, Configuration conf) throws IOException {
    if (local) {
      Path target = Path.of(root).resolve(rel);
      Path old = target.resolveSibling("." + target.getFileName() + ".replaced-" + attemptId);
      synchronized (SharedDir.class) {
        if (Files.exists(target)) Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
      }
      AtomicDirectory.deleteTree(old);
      return;
    }
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(root, rel);
    org.apache.hadoop.fs.Path temp = new org.apache.hadoop.fs.Path(root, rel + ".attempt-" + attemptId);
    FileSystem fs = target.getFileSystem(conf);
    fs.delete(temp, true);
    fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(dir.toUri()), temp);
    fs.delete(target, true);
    if (!fs.rename(temp, target)) throw new IOException("cannot rename " + temp + " to " + target);
    AtomicDirectory.deleteTree(dir);
  }

  /** Puts the local file {@code file} in place as {@code rel} (the driver's merged state). */
  void putFile(Path file, String rel, Configuration conf) throws IOException {
    if (local) {
      Path target = Path.of(root).resolve(rel);
      Files.createDirectories(target.getParent());
      Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(root, rel);
    target.getFileSystem(conf).copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(file.toUri()), target);
  }

  /** Downloads of this executor (or driver), by remote path: each file is fetched once per JVM. */
  private static final Map<String, Path> FETCHED = new HashMap<>();

  /**
   * The committed file or directory {@code rel} as a local path: itself when the work directory is local, else a
   * copy under {@code scratch}, made once per JVM and then reused.
   */
  Path fetch(String rel, Path scratch, Configuration conf) throws IOException {
    if (local) return Path.of(root).resolve(rel);
    String key = root + "/" + rel;
    synchronized (FETCHED) {
      Path have = FETCHED.get(key);
      if (have != null && Files.exists(have)) return have;
      org.apache.hadoop.fs.Path from = new org.apache.hadoop.fs.Path(root, rel);
      Path to = scratch.resolve("fetched-" + Integer.toHexString(root.hashCode())).resolve(rel);
      AtomicDirectory.deleteTree(to);
      Files.createDirectories(to.getParent());
      FileSystem fs = from.getFileSystem(conf);
      FileStatus status = fs.getFileStatus(from);
      fs.copyToLocalFile(false, from, new org.apache.hadoop.fs.Path(to.toUri()), true);
      if (status.isDirectory() && !Files.isDirectory(to)) throw new IOException("fetching " + from + " gave no directory");
      FETCHED.put(key, to);
      return to;
    }
  }

  /** Deletes the whole work directory (and forgets this JVM's copies of it). */
  void delete(Configuration conf) {
    synchronized (FETCHED) {
      FETCHED.keySet().removeIf(k -> k.startsWith(root + "/"));
    }
    if (local) {
      TempDirs.delete(Path.of(root));
      return;
    }
    try {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(root);
      dir.getFileSystem(conf).delete(dir, true);
    } catch (IOException e) {
      throw new UncheckedIOException(root + ": cannot delete the work directory", e);
    }
  }
}
