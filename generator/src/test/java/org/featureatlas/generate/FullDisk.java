package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.featureatlas.cli.Atlas;

/**
 * Runs {@code atlas} with a real full disk under it: a tmpfs of a few KB mounted on a directory, so
 * that writes fail in the kernel with ENOSPC ("No space left on device"). As root the tmpfs is
 * mounted here and the command runs in this JVM; otherwise (or with
 * {@code -Datlas.test.fullDisk=unshare}) a child JVM runs inside {@code unshare --user --map-root-user
 * --mount}, where an unprivileged user may mount a tmpfs. When neither works the test fails: a full
 * disk is never silently not tested.
 */
final class FullDisk {
  /** What a run left: exit code, its error lines ("atlas: ..."), and the names left on the tmpfs. */
  record Outcome(int code, List<String> errorLines, List<String> leftOnDisk, String how) {}

  private FullDisk() {}

  static Outcome run(Path mountPoint, String size, String... args) throws IOException, InterruptedException {
    Files.createDirectories(mountPoint);
    String mode = System.getProperty("atlas.test.fullDisk", "auto");
    if (!mode.equals("unshare")) {
      Shell mount = shell(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mountPoint.toString()));
      if (mount.code == 0) {
        try {
          StringWriter err = new StringWriter();
          int code = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
          return new Outcome(code, err.toString().strip().lines().toList(), list(mountPoint), "tmpfs mounted by root");
        } finally {
          Shell umount = shell(List.of("umount", mountPoint.toString()));
          if (umount.code != 0) {
            fail("cannot unmount the test tmpfs " + mountPoint + ": " + umount.output);
          }
        }
      }
    }
    return inUserNamespace(mountPoint, size, args);
  }

  /** A child JVM on this classpath, in a new user and mount namespace holding the tmpfs. */
  private static Outcome inUserNamespace(Path mountPoint, String size, String... args)
      throws IOException, InterruptedException {
    Path listing = Files.createTempFile("full-disk-", ".txt");
    try {
      List<String> java = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx2g", "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
          "-cp", System.getProperty("java.class.path"), Atlas.class.getName()));
      java.addAll(List.of(args));
      // sh -c SCRIPT sh SIZE MOUNT LISTING JAVA...: mount, run, record what is left, keep the exit code.
      List<String> cmd = new ArrayList<>(List.of("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
          "mount -t tmpfs -o size=\"$1\" tmpfs \"$2\" || exit 97; mp=\"$2\"; out=\"$3\"; shift 3; "
              + "\"$@\"; rc=$?; ls -A \"$mp\" > \"$out\"; exit $rc",
          "sh", size, mountPoint.toString(), listing.toString()));
      cmd.addAll(java);
      Shell child = shell(cmd);
      if (child.code == 97 || child.output.contains("unshare: ")) {
        fail("cannot simulate a full disk: mount needs root here, and unshare --user --mount is not permitted: "
            + child.output.strip());
      }
      List<String> errors = child.output.lines().filter(l -> l.startsWith("atlas:")).toList();
      List<String> left = Files.readAllLines(listing, StandardCharsets.UTF_8).stream()
          .filter(s -> !s.isBlank()).toList();
      return new Outcome(child.code, errors, left, "tmpfs in a user namespace");
    } finally {
      Files.deleteIfExists(listing);
    }
  }

  private record Shell(int code, String output) {}

  private static Shell shell(List<String> cmd) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Shell(127, cmd.get(0) + ": " + e.getMessage());
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("timed out: " + cmd);
    }
    return new Shell(p.exitValue(), out);
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
