package org.featureatlas.generate;

import org.featureatlas.cli.AtlasProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.featureatlas.cli.Atlas;
import org.featureatlas.sae.Architecture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate}, {@code generate --shard}, {@code merge} and {@code build --data} replace their output as a
 * whole, so each refuses, before any model work and with exit 2 and one line, an output whose replacement
 * would lose something: a foreign directory, an input folder, a parent of the inputs, the current
 * directory, a regular file, an input shard. A previous output of the same kind is replaced (its notes and explanations kept).
 */
class GenerateOutputTest {
  @TempDir
  static Path base;
  static TinyInputs in;
  static Path tokens;
  static Path s0;
  static Path s1;
  static int sites;

  @BeforeAll
  static void inputs() throws IOException {
    in = new TinyInputs(Files.createDirectories(base.resolve("in")), "blocks.1.mlp.hook_post", Architecture.STANDARD, 4, 16, 5);
    tokens = Files.createDirectories(base.resolve("tok")).resolve("tokens.npy");
    Files.move(in.tokens, tokens);
    s0 = base.resolve("shards/s0");
    s1 = base.resolve("shards/s1");
    assertEquals(0, atlas(shard(s0)).rc);
    List<String> second = new ArrayList<>(shard(s1));
    second.set(second.indexOf("0/2"), "1/2");
    assertEquals(0, atlas(second).rc);
  }

  static List<String> common(String command) {
    return new ArrayList<>(List.of(command, "--model", in.model.toString(), "--sae", in.sae.toString(),
        "--sae-b", in.saeB.toString(), "--tokens", tokens.toString(), "--batch-size", "2"));
  }

  static List<String> generate(Path out) {
    List<String> args = common("generate");
    args.addAll(List.of("--out", out.toString()));
    return args;
  }

  static List<String> shard(Path out) {
    List<String> args = generate(out);
    args.addAll(List.of("--shard", "0/2"));
    return args;
  }

  static List<String> merge(Path out) {
    return List.of("merge", "--out", out.toString(), s0.toString(), s1.toString());
  }

  static List<String> build(Path out) {
    List<String> args = common("build");
    args.addAll(List.of("--data", out.toString(), "--site", base.resolve("sites/site" + sites++).toString()));
    return args;
  }

  record Run(int rc, String err) {}

  static Run atlas(List<String> args) {
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args.toArray(String[]::new));
    return new Run(rc, err.toString().strip());
  }

  /** Every file and directory under {@code root} (or the file itself) with its bytes' hash. */
  static TreeMap<String, String> snapshot(Path root) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        out.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir" : Arrays.hashCode(Files.readAllBytes(p)) + "/" + Files.size(p));
      }
    }
    return out;
  }

  /** Runs {@code args}, which name {@code out}, and checks the refusal and that {@code victim} is untouched. */
  static void refused(List<String> args, Path out, Path victim, String mustMention) throws IOException {
    TreeMap<String, String> before = snapshot(victim);
    assertTrue(before.size() > 1 || Files.isRegularFile(victim), "fixture: nothing to lose in " + victim);
    Run run = atlas(args);
    String what = String.join(" ", args.subList(0, 1)) + (args.contains("--shard") ? " --shard" : "") + " --out " + out;
    assertEquals(2, run.rc, what + ": " + run.err);
    assertEquals(1, run.err.lines().count(), what + ": expected one line, got " + run.err);
    assertTrue(run.err.startsWith("atlas: error: " + out), what + ": " + run.err);
    assertTrue(run.err.contains(mustMention), what + ": should say '" + mustMention + "': " + run.err);
    assertEquals(before, snapshot(victim), what + ": changed " + victim);
    assertEquals(List.of(), hidden(out), what + ": left working directories");
    if (args.get(0).equals("build")) {
      Path site = Path.of(args.get(args.indexOf("--site") + 1));
      assertTrue(Files.notExists(site), "build wrote the site although --data was refused");
    }
  }

  /** The working directories of {@code out} beside it. */
  static List<String> hidden(Path out) throws IOException {
    Path abs = out.toAbsolutePath().normalize();
    try (Stream<Path> s = Files.list(abs.getParent())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("." + abs.getFileName() + ".")).toList();
    }
  }

  static List<Function<Path, List<String>>> allFour() {
    return List.of(GenerateOutputTest::generate, GenerateOutputTest::shard, GenerateOutputTest::merge, GenerateOutputTest::build);
  }

  @Test
  void refusesADirectoryHoldingOtherFiles() throws IOException {
    Path foreign = Files.createDirectories(base.resolve("thesis"));
    Files.writeString(foreign.resolve("thesis.tex"), "precious");
    Files.createDirectories(foreign.resolve("features"));
    Files.writeString(foreign.resolve("features/figure.txt"), "also precious");
    for (Function<Path, List<String>> command : allFour()) {
      List<String> args = command.apply(foreign);
      refused(args, foreign, foreign, args.contains("--shard") ? "is not a shard directory" : "is not an atlas data directory");
    }
    // A data directory with something foreign in it is no longer only generated data.
    Path mixed = Files.createDirectories(base.resolve("mixed"));
    Files.writeString(mixed.resolve("manifest.json"), "{}");
    Files.writeString(mixed.resolve("draft.md"), "precious");
    refused(generate(mixed), mixed, mixed, "is not only an atlas data directory (it also holds draft.md)");
  }

  @Test
  void refusesTheModelAndSaeFolders() throws IOException {
    for (Path folder : List.of(in.model, in.sae, in.saeB)) {
      for (Function<Path, List<String>> command : allFour()) {
        refused(command.apply(folder), folder, folder, "would replace an input (" + folder + ")");
      }
    }
  }

  @Test
  void refusesTheFolderOfAnInputFile() throws IOException {
    Path folder = tokens.getParent();
    for (Function<Path, List<String>> command : allFour()) {
      refused(command.apply(folder), folder, folder, "would replace an input (" + tokens + ")");
    }
  }

  @Test
  void refusesAParentOfTheInputs() throws IOException {
    Path parent = in.model.getParent();
    for (Function<Path, List<String>> command : allFour()) {
      refused(command.apply(parent), parent, parent, "would replace an input (" + in.model + ")");
    }
    Path shards = s0.getParent();
    refused(merge(shards), shards, shards, "would replace an input (" + s0 + ")");
  }

  @Test
  void refusesARegularFile() throws IOException {
    Path file = base.resolve("notes.txt");
    Files.writeString(file, "precious");
    for (Function<Path, List<String>> command : allFour()) {
      refused(command.apply(file), file, file, "exists and is not a directory");
    }
  }

  @Test
  void mergeRefusesAnInputShardAsItsOutput() throws IOException {
    List<String> args = List.of("merge", "--out", s0.toString(), s0.toString(), s1.toString());
    refused(args, s0, s0, "would replace an input (" + s0 + ")");
  }

  /** `.` is checked in a JVM of its own, started in a scratch directory, so a regression cannot hit the build. */
  @Test
  void refusesTheCurrentDirectory() throws Exception {
    Path cwd = Files.createDirectories(base.resolve("cwd"));
    Files.writeString(cwd.resolve("precious.txt"), "precious");
    Path log = base.resolve("cwd.log");
    for (Function<Path, List<String>> command : allFour()) {
      List<String> args = command.apply(Path.of("."));
      TreeMap<String, String> before = snapshot(cwd);
      Process p = AtlasProcess.start(cwd, log, args);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "atlas did not finish: " + args);
      String text = Files.readString(log).strip();
      assertEquals(2, p.exitValue(), args + ": " + text);
      assertTrue(text.endsWith("atlas: error: .: is the current directory or contains it, and would be replaced as a whole;"
          + " choose a new directory"), args + ": " + text);
      assertEquals(before, snapshot(cwd), args + ": changed the current directory");
      assertEquals(List.of(), hidden(cwd), args + ": left working directories");
    }
  }

  @Test
  void replacesAPreviousOutputOfItsKindAndKeepsTheNotesAndExplanations() throws IOException {
    Path data = base.resolve("data");
    assertEquals(0, atlas(generate(data)).rc);
    Files.createDirectories(data.resolve("notes/drafts"));
    Files.writeString(data.resolve("notes/index.md"), "# Our atlas");
    Files.writeString(data.resolve("notes/3.md"), "fires on commas");
    Files.writeString(data.resolve("notes/drafts/todo.txt"), "look at 7");
    Files.createDirectories(data.resolve("explanations"));
    Files.writeString(data.resolve("explanations/ours.csv"), "3,fires on commas\n");
    for (Function<Path, List<String>> command : List.<Function<Path, List<String>>>of(
        GenerateOutputTest::generate, GenerateOutputTest::merge, GenerateOutputTest::build)) {
      Run run = atlas(command.apply(data));
      assertEquals(0, run.rc, run.err);
      assertTrue(Files.isRegularFile(data.resolve("manifest.json")));
      assertEquals("# Our atlas", Files.readString(data.resolve("notes/index.md")), "notes lost");
      assertEquals("fires on commas", Files.readString(data.resolve("notes/3.md")), "notes lost");
      assertEquals("look at 7", Files.readString(data.resolve("notes/drafts/todo.txt")), "notes lost");
      assertEquals("3,fires on commas\n", Files.readString(data.resolve("explanations/ours.csv")), "explanations lost");
      assertEquals(List.of(), hidden(data));
    }
    // A previous shard directory may be replaced by a shard run.
    Path again = base.resolve("shard-again");
    assertEquals(0, atlas(shard(again)).rc);
    Run run = atlas(shard(again));
    assertEquals(0, run.rc, run.err);
    assertTrue(Files.isRegularFile(again.resolve("shard.json")));
  }

  @Test
  void outputDirectoriesAreReadableByEveryone() throws IOException {
    Path data = base.resolve("modes/data");
    Path shard = base.resolve("modes/shard");
    assertEquals(0, atlas(generate(data)).rc);
    assertEquals(0, atlas(shard(shard)).rc);
    for (Path out : List.of(data, shard)) {
      try (Stream<Path> s = Files.walk(out)) {
        List<Path> dirs = s.filter(Files::isDirectory).toList();
        assertTrue(dirs.size() >= (out == data ? 2 : 1), "expected the output and its features/ directory: " + dirs);
        for (Path dir : dirs) {
          assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), dir.toString());
        }
      }
    }
  }

  @Test
  void removesStaleWorkingDirectoriesOfItsOutputOnly() throws Exception {
    Path out = base.resolve("stale/data");
    Path parent = Files.createDirectories(out.getParent());
    long dead = 999_999_999L; // above any Linux pid_max (2^22), so never a running process
    List<String> stale = List.of(".data.work-" + dead + "-1", ".data.tmp-" + dead + "-2", ".data.old-" + dead + "-3",
        ".data.work-" + ProcessHandle.current().pid() + "-4"); // this JVM's pid, but not a directory it uses
    Process sleeper = new ProcessBuilder("sleep", "300").start();
    try {
      List<String> kept = List.of(".data.work-" + sleeper.pid() + "-5", ".other.work-" + dead + "-6",
          ".data.work-7", ".data.notes", ".git");
      for (String name : concat(stale, kept)) {
        Files.createDirectories(parent.resolve(name).resolve("features"));
        Files.writeString(parent.resolve(name).resolve("features/cache.bin"), "tens of MB");
      }
      Run run = atlas(generate(out));
      assertEquals(0, run.rc, run.err);
      try (Stream<Path> s = Files.list(parent)) {
        List<String> left = s.map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(concat(List.of("data"), kept).stream().sorted().toList(), left);
      }
    } finally {
      sleeper.destroy();
      sleeper.waitFor(10, TimeUnit.SECONDS);
    }
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
