package org.featureatlas.site.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.featureatlas.check.AtlasException;

/**
 * Runs the {@code git} command line against one repository ({@code git -C DIR}), with a clean
 * environment: no inherited GIT_DIR / GIT_WORK_TREE / GIT_INDEX_FILE, no terminal prompts, C locale.
 */
final class Git {
  /** What a finished git command returned. */
  record Result(int exitCode, String out, String err) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private final Path repo;

  Git(Path repo) {
    this.repo = repo;
  }

  Path repo() {
    return repo;
  }

  /** Runs git; fails with git's own first error line unless it exits 0. Returns stdout without the final newline. */
  String run(Map<String, String> env, byte[] stdin, String... args) {
    Result r = tryRun(env, stdin, args);
    if (!r.ok()) {
      String why = r.err().isBlank() ? "exit code " + r.exitCode() : r.err().strip().split("\n")[0];
      throw new AtlasException(repo + ": git " + args[0] + " failed: " + why);
    }
    return r.out().endsWith("\n") ? r.out().substring(0, r.out().length() - 1) : r.out();
  }

  String run(String... args) {
    return run(Map.of(), null, args);
  }

  /** The trimmed output, or empty when git exits non-zero (e.g. a ref that does not exist). */
  Optional<String> probe(String... args) {
    Result r = tryRun(Map.of(), null, args);
    return r.ok() ? Optional.of(r.out().strip()) : Optional.empty();
  }

  Result tryRun(Map<String, String> env, byte[] stdin, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> e = pb.environment();
    for (String v : List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES")) {
      e.remove(v);
    }
    e.put("GIT_TERMINAL_PROMPT", "0");
    e.put("LC_ALL", "C");
    e.putAll(env);
    try {
      Process p = pb.start();
      CompletableFuture<byte[]> out = drain(p.getInputStream());
      CompletableFuture<byte[]> err = drain(p.getErrorStream());
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      }
      int code = p.waitFor();
      return new Result(code, new String(out.join(), StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e2) {
      throw new AtlasException("cannot run git (is it installed and on PATH?): " + e2.getMessage(), e2);
    } catch (InterruptedException e2) {
      Thread.currentThread().interrupt();
      throw new AtlasException("interrupted while running git " + args[0], e2);
    }
  }

  /** Reads a stream to its end on its own thread, so stdout and stderr can never block each other. */
  private static CompletableFuture<byte[]> drain(InputStream stream) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (InputStream s = stream) {
        result.complete(s.readAllBytes());
      } catch (IOException e) {
        result.completeExceptionally(new UncheckedIOException(e));
      }
    }, "atlas-git-output");
    t.setDaemon(true);
    t.start();
    return result;
  }
}
