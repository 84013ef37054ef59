package org.featureatlas.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.featureatlas.generate.ClusterEngine;
import org.junit.jupiter.api.Test;

/** The Spark settings {@code atlas generate --spark} starts an application with. */
class SparkEngineTest {
  private static ClusterEngine.Options options(String master, Map<String, String> conf) {
    return new ClusterEngine.Options(master, null, null, null, null, conf);
  }

  @Test
  void theLaunchersAtlasJarsAreShippedNotSparks() {
    // The launcher's class path: the main project's jar and lib/, the Spark module's jar, then Spark's own lib/.
    String cp = String.join(java.io.File.pathSeparator, "/a/target/atlas.jar", "/a/target/lib/djl-api.jar",
        "/a/target/classes", "/a/spark/job/target/atlas-spark.jar", "/a/spark/job/target/lib/spark-core_2.13.jar");
    assertEquals(List.of("/a/target/atlas.jar", "/a/target/lib/djl-api.jar", "/a/spark/job/target/atlas-spark.jar"),
        SparkEngine.atlasJars(cp));
  }

  @Test
  void executorsGetTheAtlasJvmOptionsAndAClusterGetsTheJars() {
    SparkConf cluster = SparkEngine.conf(options("spark://h:7077", Map.of("spark.executor.memory", "2g")));
    assertEquals("spark://h:7077", cluster.get("spark.master"));
    assertEquals("2g", cluster.get("spark.executor.memory"));
    String opts = cluster.get("spark.executor.extraJavaOptions");
    assertTrue(opts.contains("--add-modules=jdk.incubator.vector") && opts.contains("-Dai.djl.offline=true")
        && opts.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), opts);
    assertTrue(cluster.contains("spark.jars"), "a cluster's executors get the atlas's jars");
    assertFalse(cluster.contains("spark.driver.host"), "a cluster's driver address is Spark's choice");
  }

  @Test
  void givenSettingsWinAndLocalRunsStayOnTheLoopback() {
    SparkConf local = SparkEngine.conf(options("local[2]", Map.of()));
    assertFalse(local.contains("spark.jars"), "local executors share this JVM's class path");
    assertEquals("127.0.0.1", local.get("spark.driver.host"));
    assertEquals("127.0.0.1", local.get("spark.driver.bindAddress"));
    SparkConf own = SparkEngine.conf(options("spark://h:7077", Map.of("spark.executor.extraClassPath", "/opt/atlas/lib/*",
        "spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector -Dx=1")));
    assertFalse(own.contains("spark.jars"), "jars installed on the nodes are not shipped");
    assertEquals("--add-modules=jdk.incubator.vector -Dx=1", own.get("spark.executor.extraJavaOptions"));
  }
}
