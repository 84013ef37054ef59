package org.featureatlas.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.featureatlas.data.Json;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.generate.GenerateRequest;
import org.featureatlas.generate.PartitionedRun;

/** What one Spark task runs on an executor: pass A on one partition, or one feature block. */
final class Tasks {
  static final String SHARD_DIR = "shards/shard-";
  static final String STATE = "state.bin";
  static final String BLOCK_DIR = "blocks/block-";
  /** The shard directory's cache file (as PartitionedRun's shards write it). */
  static final String CACHE = "activations.bin";

  private Tasks() {}

  /** Pass A on partition {@code shard} of {@code shards}, committed as {@code shards/shard-i}. */
  static void shard(String requestJson, Long memory, SharedDir work, int shard, int shards) throws IOException {
    TaskContext task = TaskContext.get();
    GenerateRequest req = request(requestJson);
    String rel = SHARD_DIR + shard;
    Path dir = work.attemptDir(rel, task.taskAttemptId(), scratch());
    try {
      PartitionedRun.Worker w = WorkerPool.borrow(req, requestJson, memory, true);
      boolean ok = false;
      try {
        w.shard(shard, shards, dir);
        ok = true;
      } finally {
        WorkerPool.giveBack(req, requestJson, memory, true, w, ok);
      }
      work.commit(dir, rel, task.taskAttemptId(), hadoop());
    } finally {
      AtomicDirectory.deleteTree(dir);
    }
    Faults.after("pass-a", task);
  }

  /** The features {@code [from, to)} after pass A, committed as {@code blocks/block-<from>}. */
  static void block(String requestJson, Long memory, SharedDir work, int shards, int from, int to) throws IOException {
    TaskContext task = TaskContext.get();
    GenerateRequest req = request(requestJson);
    Configuration conf = hadoop();
    Path scratch = scratch();
    Path state = work.fetch(STATE, scratch, conf);
    List<Path> caches = new ArrayList<>();
    for (int i = 0; i < shards; i++) caches.add(work.fetch(SHARD_DIR + i + "/" + CACHE, scratch, conf));
    String rel = BLOCK_DIR + from;
    Path dir = work.attemptDir(rel, task.taskAttemptId(), scratch);
    try {
      PartitionedRun.Worker w = WorkerPool.borrow(req, requestJson, memory, false);
      boolean ok = false;
      try {
        w.block(state, caches, from, to, dir);
        ok = true;
      } finally {
        WorkerPool.giveBack(req, requestJson, memory, false, w, ok);
      }
      work.commit(dir, rel, task.taskAttemptId(), conf);
    } finally {
      AtomicDirectory.deleteTree(dir);
    }
    Faults.after("blocks", task);
  }

  static GenerateRequest request(String json) {
    try {
      return Json.mapper().readValue(json, GenerateRequest.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a generate request: " + e.getOriginalMessage(), e);
    }
  }

  static String json(GenerateRequest req) {
    try {
      return Json.mapper().writeValueAsString(req);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The executor's Hadoop configuration (with the application's spark.hadoop.* settings). */
  static Configuration hadoop() {
    return SparkHadoopUtil.get().newConfiguration(SparkEnv.get().conf());
  }

  /** This application's scratch directory on the executor's local disk (Spark deletes it when the application ends). */
  static Path scratch() {
    try {
      return Files.createDirectories(Path.of(SparkFiles.getRootDirectory(), "atlas"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
