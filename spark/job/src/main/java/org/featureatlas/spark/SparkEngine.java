package org.featureatlas.spark;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.featureatlas.generate.ClusterEngine;
import org.featureatlas.generate.GenerateRequest;

/**
 * {@code atlas generate --spark MASTER}: starts a Spark application with this JVM as its driver, runs {@link SparkJob}
 * and stops it. Spark's settings come from {@code spark.*} system properties (as spark-submit sets them), then
 * {@code --spark-conf}. Unless told otherwise it ships this JVM's atlas jars to the executors ({@code spark.jars}),
 * gives them the JVM options the atlas needs ({@code spark.executor.extraJavaOptions}: the Vector API, DJL offline),
 * and runs one task per executor core set ({@code spark.task.cpus} stays as set: see docs/spark.md).
 */
public final class SparkEngine implements ClusterEngine {
  /**
   * The JVM options a JVM running the atlas on Spark needs (Java 17's module openings for Spark, the Vector API of
   * the ablation kernel, DJL offline, quiet logs): the pom's {@code spark.jvm}, the same the launcher reads.
   */
  public static String javaOptions() {
    try (var in = SparkEngine.class.getResourceAsStream("java-options")) {
      if (in == null) throw new IllegalStateException("java-options is missing from the atlas-spark jar");
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void generate(GenerateRequest req, Path out, Options options, PrintStream log) {
    SparkConf conf = conf(options);
    JavaSparkContext jsc = new JavaSparkContext(conf);
    try {
      SparkJob.run(jsc, req, out, options, log);
    } finally {
      jsc.stop();
    }
  }

  static SparkConf conf(Options options) {
    SparkConf conf = new SparkConf().setMaster(options.master()).setIfMissing("spark.app.name", "feature-atlas generate");
    for (Map.Entry<String, String> e : options.conf().entrySet()) conf.set(e.getKey(), e.getValue());
    if (options.master().startsWith("local")) {
      // Everything runs in this JVM: Spark's driver need not listen beyond the loopback interface.
      conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    String opts = conf.get("spark.executor.extraJavaOptions", "");
    if (!opts.contains("jdk.incubator.vector")) conf.set("spark.executor.extraJavaOptions", (javaOptions() + " " + opts).trim());
    boolean submitted = conf.contains("spark.submit.deployMode"); // spark-submit ships what it was told
    if (!submitted && !options.master().startsWith("local") && !conf.contains("spark.jars")
        && !conf.contains("spark.executor.extraClassPath")) {
      conf.set("spark.jars", String.join(",", atlasJars()));
    }
    return conf;
  }

  /** The jars of this JVM's class path that the executors need: everything but Spark's own (and the JDK's). */
  static List<String> atlasJars() {
    return atlasJars(System.getProperty("java.class.path"));
  }

  /** The jars of {@code classPath} but those of the Spark module's lib/ (Spark's), as absolute paths. */
  static List<String> atlasJars(String classPath) {
    List<String> jars = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.endsWith(".jar")) continue;
      String parent = new File(entry).getParentFile() == null ? "" : new File(entry).getParentFile().getPath();
      if (parent.endsWith("spark" + File.separator + "job" + File.separator + "target" + File.separator + "lib")) continue;
      jars.add(new File(entry).getAbsolutePath());
    }
    return jars;
  }
}
