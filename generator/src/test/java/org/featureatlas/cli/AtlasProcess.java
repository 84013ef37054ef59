package org.featureatlas.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code atlas} in a JVM of its own (the test class path), to test signals and the working directory. */
public final class AtlasProcess {
  private AtlasProcess() {}

  /** Starts {@code atlas args} in {@code cwd}; standard output and error go to {@code log}. */
  public static Process start(Path cwd, Path log, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda=error");
    String home = System.getProperty("atlas.home");
    if (home != null) {
      cmd.add("-Datlas.home=" + home);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add("org.featureatlas.cli.Atlas");
    cmd.addAll(args);
    return new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
