package org.featureatlas.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spark standalone cluster on 127.0.0.1 from the Maven artifacts: a master and two workers, each in its own JVM
 * (with the jars of spark/job/target/lib as their SPARK_HOME's jars/), and this JVM as the driver of
 * {@code atlas generate --spark spark://127.0.0.1:PORT}, shipping the atlas's jars to the executors as the launcher
 * does. The data directory equals the single-process run's, byte for byte; every process is stopped at the end.
 */
class StandaloneClusterIT {
  @TempDir
  Path dir;

  private final List<Process> processes = new ArrayList<>();

  @Test
  void aStandaloneClusterWritesTheSingleRunsBytes() throws Exception {
    Path lib = Path.of(System.getProperty("atlas.spark.lib"));
    Path module = lib.getParent().getParent(); // spark/job
    Path root = module.getParent().getParent();
    String javaOptions = Files.readString(module.resolve("target/java-options")).trim();
    Path home = sparkHome(lib);
    SparkInputs in = new SparkInputs(dir, 43);
    Path single = dir.resolve("single");
    SparkInputs.Result r = in.generate(single);
    assertEquals(0, r.rc(), r.err());
    try {
      int port = freePort();
      String master = "spark://127.0.0.1:" + port;
      start(home, javaOptions, "master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
          String.valueOf(port), "--webui-port", String.valueOf(freePort()));
      for (int w = 0; w < 2; w++) {
        start(home, javaOptions, "worker-" + w, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
            "--memory", "1g", "--webui-port", String.valueOf(freePort()), "--work-dir", dir.resolve("worker-" + w).toString(), master);
      }
      awaitLog("worker-0", "Successfully registered with master");
      awaitLog("worker-1", "Successfully registered with master");
      // What ./atlas generate --spark ships: the main project's jar and libraries, and this module's jar.
      List<String> jars = new ArrayList<>(List.of(root.resolve("target/atlas.jar").toString(),
          module.resolve("target/atlas-spark.jar").toString()));
      try (Stream<Path> s = Files.list(root.resolve("target/lib"))) {
        s.map(Path::toString).filter(n -> n.endsWith(".jar")).sorted().forEach(jars::add);
      }
      Path out = dir.resolve("cluster");
      SparkInputs.Result c = in.generate(out, "--spark", master, "--partitions", "2", "--feature-blocks", "3",
          "--spark-conf", "spark.jars=" + String.join(",", jars),
          "--spark-conf", "spark.executor.memory=768m",
          "--spark-conf", "spark.executor.cores=1",
          "--spark-conf", "spark.driver.host=127.0.0.1",
          "--spark-conf", "spark.driver.bindAddress=127.0.0.1",
          "--spark-conf", "spark.ui.enabled=false");
      assertEquals(0, c.rc(), c.err() + "\nworker-0 log:\n" + tail("worker-0"));
      SparkInputs.assertSameTree(single, out);
      // Both workers ran executors of the application.
      for (int w = 0; w < 2; w++) {
        try (Stream<Path> apps = Files.list(dir.resolve("worker-" + w))) {
          assertTrue(apps.anyMatch(p -> p.getFileName().toString().startsWith("app-")), "worker " + w + " ran no executor");
        }
      }
    } finally {
      for (Process p : processes) p.destroy();
      for (Process p : processes) {
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
      }
      // The links to the Maven artifacts go before JUnit deletes the temporary directory (it warns about each).
      try (Stream<Path> links = Files.list(home.resolve("jars"))) {
        for (Path link : links.toList()) Files.delete(link);
      }
    }
    for (Process p : processes) assertTrue(!p.isAlive(), "a Spark process is still running");
  }

  /** A SPARK_HOME whose jars/ links to the Maven artifacts: the workers build their executors' class path from it. */
  private Path sparkHome(Path lib) throws IOException {
    Path home = dir.resolve("spark-home");
    Path jars = Files.createDirectories(home.resolve("jars"));
    try (Stream<Path> s = Files.list(lib)) {
      for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).toList()) {
        Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
      }
    }
    return home;
  }

  private void start(Path home, String javaOptions, String name, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
    cmd.addAll(List.of(javaOptions.split("\\s+")));
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    cmd.addAll(List.of("-cp", home.resolve("jars") + File.separator + "*", mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    processes.add(pb.start());
  }

  private void awaitLog(String name, String line) throws Exception {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Files.exists(dir.resolve(name + ".log")) && Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8).contains(line)) return;
      for (Process p : processes) assertTrue(p.isAlive(), "a Spark process exited early; " + name + " log:\n" + tail(name));
      Thread.sleep(500);
    }
    throw new AssertionError(name + " did not log \"" + line + "\" within 180 s:\n" + tail(name));
  }

  private String tail(String name) throws IOException {
    Path log = dir.resolve(name + ".log");
    if (!Files.exists(log)) return "(no log)";
    String s = Files.readString(log, StandardCharsets.UTF_8);
    return s.substring(Math.max(0, s.length() - 4000));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
