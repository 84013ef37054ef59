package org.featureatlas.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.featureatlas.fs.AtomicDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates every untrusted input a few thousand times and runs the CLI on each mutant, in this JVM:
 * {@code generate} on checkpoints and token arrays, {@code render} on data directories, {@code archive
 * verify} and {@code archive extract} on archives. Every run must exit 0 or 2; on 2 print exactly one line,
 * {@code atlas: error: ...}; print nothing on {@link System#err} but progress and timing; finish within
 * {@value #TIMEOUT_SECONDS} s; and create or change nothing outside its output path (no temporary or work
 * directory left beside it). Mutants that break an archive's signed content, or a record or file list of a
 * data directory, must moreover be refused.
 *
 * <p>Cases are reproducible: case n of a kind always gets the same mutation for the same seed. Knobs
 * (system properties): {@code atlas.fuzz.cases} (total, default {@value #DEFAULT_CASES}),
 * {@code atlas.fuzz.seed} (default {@value #DEFAULT_SEED}), {@code atlas.fuzz.only} ({@code KIND#n}, one case,
 * e.g. {@code SAE_CFG#17}), {@code atlas.fuzz.kinds} (a comma-separated subset of {@link Kind}), {@code atlas.fuzz.report} (a file to write every failure to), {@code atlas.fuzz.verbose} (print every run).
 */
class InputFuzzIT {
  static final int DEFAULT_CASES = 3000;
  static final long DEFAULT_SEED = 20240609L;
  static final long TIMEOUT_SECONDS = 30;
  /** Stop mutating a kind after this many hung runs: an abandoned thread may still be spinning. */
  static final int MAX_HANGS_PER_KIND = 2;
  static final int SHOWN_FAILURES = 30;

  /** System.err lines a normal run prints: the per-stage timing table and progress bars. */
  private static final List<Pattern> NORMAL_STDERR = List.of(
      Pattern.compile("stage\\s+seconds\\s+share"),
      Pattern.compile("\\S.*\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d%"),
      Pattern.compile("total\\s+\\d+\\.\\d\\d"),
      Pattern.compile(".*(\\d+|\\?) ?%\\s*\\[[^\\]]*\\].*"));

  @TempDir
  static Path root;
  static FuzzInputs inputs;
  static CliRun cli;

  /** One broken contract: which case, what was done, what happened. */
  record Failure(Kind kind, int n, String mutation, String problem, String detail) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s#%d [%s] %s: %s%n      %s", kind, n, problem, kind.label, mutation, detail);
    }
  }

  @BeforeAll
  static void setUp() throws IOException {
    inputs = new FuzzInputs(Files.createDirectories(root.resolve("base")));
    cli = new CliRun(TIMEOUT_SECONDS);
  }

  @AfterAll
  static void tearDown() {
    if (cli != null) cli.close();
  }

  @Test
  void unmutatedInputsPassCleanly() throws IOException {
    // The harness itself: the inputs every mutant starts from are valid, and a clean run passes every check.
    for (Kind kind : Kind.values()) {
      List<Failure> failures = new ArrayList<>();
      runCase(kind, -1, null, failures);
      assertEquals(List.of(), failures, "unmutated " + kind.label);
    }
  }

  @Test
  void mutatedInputsExitCleanlyAndWriteOnlyTheirOutput() throws IOException {
    long seed = Long.getLong("atlas.fuzz.seed", DEFAULT_SEED);
    int total = Integer.getInteger("atlas.fuzz.cases", DEFAULT_CASES);
    String only = System.getProperty("atlas.fuzz.only", "");
    List<String> kinds = List.of(System.getProperty("atlas.fuzz.kinds", "").split(","));
    List<Failure> failures = new ArrayList<>();
    Map<Kind, int[]> stats = new EnumMap<>(Kind.class);
    long start = System.nanoTime();
    for (Kind kind : Kind.values()) {
      if (!kinds.equals(List.of("")) && !kinds.contains(kind.name())) continue;
      int cases = Math.max(1, total * kind.weight / Kind.totalWeight());
      int[] s = stats.computeIfAbsent(kind, k -> new int[5]);
      long kindStart = System.nanoTime();
      for (int n = 0; n < cases; n++) {
        if (!only.isEmpty() && !only.equals(kind + "#" + n)) continue;
        int before = failures.size();
        Random r = new Random(mix(seed, kind, n));
        int code = runCase(kind, n, r, failures);
        s[0]++;
        if (code == 0) s[1]++;
        else if (code == 2) s[2]++;
        if (failures.size() > before) s[3]++;
        if (failures.subList(before, failures.size()).stream().anyMatch(f -> f.problem().equals("HANG"))) s[4]++;
        if (s[4] >= MAX_HANGS_PER_KIND) {
          failures.add(new Failure(kind, n, "-", "STOPPED", "stopped " + kind + " after " + s[4] + " hung runs"));
          break;
        }
      }
      System.out.printf(Locale.ROOT, "fuzz %-18s %5d cases: %5d exit 0, %5d exit 2, %4d failing, %.1f s%n", kind, s[0],
          s[1], s[2], s[3], (System.nanoTime() - kindStart) / 1e9);
    }
    System.out.printf(Locale.ROOT, "fuzz: seed %d, %d failures, %.1f s%n", seed, failures.size(),
        (System.nanoTime() - start) / 1e9);
    String report = System.getProperty("atlas.fuzz.report", "");
    if (!report.isEmpty()) {
      Files.write(Path.of(report), failures.stream().map(Failure::toString).toList());
    }
    if (!failures.isEmpty()) {
      StringBuilder msg = new StringBuilder(failures.size() + " of the fuzz runs broke the contract (seed " + seed
          + "; rerun one with -Datlas.fuzz.only=KIND#n):\n");
      Map<String, Integer> byProblem = new java.util.TreeMap<>();
      for (Failure f : failures) byProblem.merge(f.kind() + " " + f.problem(), 1, Integer::sum);
      msg.append("  by kind and problem: ").append(byProblem).append('\n');
      failures.stream().limit(SHOWN_FAILURES).forEach(f -> msg.append("  ").append(f).append('\n'));
      fail(msg.toString());
    }
  }

  private static long mix(long seed, Kind kind, int n) {
    long z = seed * 0x9E3779B97F4A7C15L + kind.ordinal() * 0xBF58476D1CE4E5B9L + n * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    return z ^ (z >>> 31);
  }

  /**
   * Builds case {@code n} of {@code kind} in a fresh directory (unmutated when {@code r} is null), runs it and
   * adds what went wrong to {@code failures}. Returns the exit code of the last run (-1 when none).
   */
  static int runCase(Kind kind, int n, Random r, List<Failure> failures) throws IOException {
    Path dir = Files.createDirectories(root.resolve("case-" + kind + "-" + n));
    try {
      Path in = Files.createDirectories(dir.resolve("in"));
      Path outParent = Files.createDirectories(dir.resolve("out"));
      Path out = outParent.resolve("result");
      String mutation = "unmutated";
      boolean mustRefuse = false;
      List<String[]> commands = new ArrayList<>();
      if (kind.generates()) {
        Path model = FuzzInputs.copyTree(inputs.model, in.resolve("model"));
        Path sae = FuzzInputs.copyTree(inputs.sae, in.resolve("sae"));
        Path tokens = in.resolve("tokens.npy");
        Files.copy(inputs.tokens, tokens);
        Path target = switch (kind) {
          case MODEL_SAFETENSORS -> model.resolve("model.safetensors");
          case MODEL_CONFIG -> model.resolve("config.json");
          case SAE_SAFETENSORS -> sae.resolve("sae_weights.safetensors");
          case SAE_CFG -> sae.resolve("cfg.json");
          default -> tokens;
        };
        if (r != null) {
          byte[] bytes = Files.readAllBytes(target);
          Mutant m = switch (kind) {
            case MODEL_SAFETENSORS, SAE_SAFETENSORS -> TensorMutations.safetensors(bytes, r);
            case MODEL_CONFIG, SAE_CFG -> JsonMutations.config(bytes, r);
            default -> TensorMutations.npy(bytes, r);
          };
          Files.write(target, m.bytes());
          mutation = m.description();
        }
        commands.add(new String[] {"generate", "--model", model.toString(), "--sae", sae.toString(), "--tokens",
            tokens.toString(), "--out", out.toString()});
      } else if (kind == Kind.DATA_DIR) {
        Path data = FuzzInputs.copyTree(inputs.data, in.resolve("data"));
        if (r != null) {
          DataMutations.Result m = DataMutations.apply(data, r);
          mutation = m.description();
          mustRefuse = m.mustRefuse();
        }
        commands.add(new String[] {"render", "--data", data.toString(), "--out", out.toString(), "--threads", "1"});
      } else {
        boolean zip = kind == Kind.ARCHIVE_ZIP;
        Path archive = in.resolve(zip ? "atlas.zip" : "atlas.tar.gz");
        byte[] bytes = Files.readAllBytes(zip ? inputs.zip : inputs.tarGz);
        if (r != null) {
          ArchiveMutations.Result m = ArchiveMutations.any(bytes, zip, r);
          bytes = m.mutant().bytes();
          mutation = m.mutant().description();
          mustRefuse = m.mustRefuse();
        }
        Files.write(archive, bytes);
        commands.add(new String[] {"archive", "verify", archive.toString()});
        commands.add(new String[] {"archive", "extract", archive.toString(), out.toString()});
      }
      int code = -1;
      for (String[] args : commands) {
        long t0 = System.nanoTime();
        code = check(kind, n, mutation, mustRefuse, dir, out, args, failures);
        if (Boolean.getBoolean("atlas.fuzz.verbose")) {
          System.out.printf(Locale.ROOT, "%s#%d %s exit %d %.2f s: %s%n", kind, n, args[0], code, (System.nanoTime() - t0) / 1e9,
              mutation);
        }
      }
      return code;
    } finally {
      AtomicDirectory.deleteTree(dir);
    }
  }

  /** Runs one command of a case and checks the contract; returns its exit code (-1 when it did not exit). */
  static int check(Kind kind, int n, String mutation, boolean mustRefuse, Path dir, Path out, String[] args,
      List<Failure> failures) throws IOException {
    TreeSnapshot before = TreeSnapshot.of(dir, out);
    CliRun.Result res = cli.run(args);
    String cmd = args[0] + (args[0].equals("archive") ? " " + args[1] : "");
    List<String> odd = res.systemErr().lines().filter(l -> !l.isBlank())
        .filter(l -> NORMAL_STDERR.stream().noneMatch(p -> p.matcher(l).matches())).toList();
    String streams = "exit " + res.code() + ", stderr: " + oneLine(res.err())
        + (odd.isEmpty() ? "" : ", System.err: " + oneLine(String.join("\n", odd)));
    List<Failure> found = new ArrayList<>();
    if (res.hung()) {
      found.add(new Failure(kind, n, mutation, "HANG", cmd + " still running after " + TIMEOUT_SECONDS + " s; " + streams));
    } else if (res.thrown() != null) {
      found.add(new Failure(kind, n, mutation, "THREW", cmd + " threw " + res.thrown() + "; " + streams));
    } else {
      int code = res.code();
      String err = res.err().strip();
      if (code != 0 && code != 2) {
        found.add(new Failure(kind, n, mutation, "EXIT" + code, cmd + ": " + streams));
      } else if (code == 2 && (err.lines().count() != 1 || !err.startsWith("atlas: error: "))) {
        found.add(new Failure(kind, n, mutation, "STDERR", cmd + ": not one 'atlas: error:' line; " + streams));
      } else if (code == 0 && !err.isEmpty()) {
        found.add(new Failure(kind, n, mutation, "STDERR", cmd + ": error output on success; " + streams));
      }
      if (!odd.isEmpty()) {
        found.add(new Failure(kind, n, mutation, "SYSERR", cmd + ": unexpected System.err output; " + streams));
      }
      if (code == 0 && mustRefuse) {
        found.add(new Failure(kind, n, mutation, "ACCEPTED", cmd + " exited 0 on an input it must refuse"));
      }
      if (code == 2 && Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        found.add(new Failure(kind, n, mutation, "LEFTOVER", cmd + " failed but left its output " + out + "; " + streams));
      }
    }
    if (!res.hung()) {
      List<String> changes = TreeSnapshot.of(dir, out).changesSince(before);
      if (!changes.isEmpty()) {
        boolean work = changes.stream().anyMatch(c -> c.contains(".tmp-") || c.contains(".work-") || c.contains(".old-"));
        found.add(new Failure(kind, n, mutation, work ? "LEFTOVER" : "OUTSIDE",
            cmd + " changed things outside " + out.getFileName() + ": " + changes + "; " + streams));
      }
    }
    failures.addAll(found);
    return res.code() == null ? -1 : res.code();
  }

  private static String oneLine(String s) {
    String t = s.strip().replace("\n", " | ");
    if (t.isEmpty()) return "(none)";
    return t.length() > 400 ? t.substring(0, 400) + "..." : t;
  }

  /** The snapshot sees a work directory left beside the output, and ignores what is inside the output. */
  @Test
  void snapshotSeesLeftoversBesideTheOutputOnly() throws IOException {
    Path dir = Files.createDirectories(root.resolve("self-test"));
    Path out = Files.createDirectories(dir.resolve("out")).resolve("result");
    Files.writeString(dir.resolve("input.txt"), "input");
    TreeSnapshot before = TreeSnapshot.of(dir, out);
    Files.createDirectories(dir.resolve("out/.result.work-123"));
    Files.createDirectories(out);
    Files.writeString(out.resolve("fine.txt"), "inside the output");
    assertEquals(List.of("created out/.result.work-123/"), TreeSnapshot.of(dir, out).changesSince(before));
    Files.writeString(dir.resolve("input.txt"), "changed");
    assertTrue(TreeSnapshot.of(dir, out).changesSince(before).contains("changed input.txt"));
  }
}
