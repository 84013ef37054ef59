package org.featureatlas.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.featureatlas.cli.Atlas;
import org.featureatlas.sae.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same inputs give byte-identical data directories; shards merged equal a single run. */
class GenerationDeterminismTest {
  @TempDir
  Path dir;

  static int atlas(String... args) {
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    assertEquals(0, rc, err.toString());
    return rc;
  }

  static TreeMap<String, byte[]> files(Path root) throws IOException {
    TreeMap<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) out.put(root.relativize(p).toString(), Files.readAllBytes(p));
    }
    return out;
  }

  static void assertSameTree(Path a, Path b) throws IOException {
    TreeMap<String, byte[]> fa = files(a);
    TreeMap<String, byte[]> fb = files(b);
    assertEquals(fa.keySet(), fb.keySet());
    assertTrue(fa.size() >= 3, "expected manifest, vocab and feature files, got " + fa.keySet());
    for (String name : fa.keySet()) assertArrayEquals(fa.get(name), fb.get(name), name + " differs");
  }

  List<String> common(TinyInputs in) {
    return new ArrayList<>(List.of("--model", in.model.toString(), "--sae", in.sae.toString(), "--sae-b", in.saeB.toString(),
        "--tokens", in.tokens.toString(), "--batch-size", "3", "--seed", "7"));
  }

  @Test
  void twoRunsAreByteIdentical() throws IOException {
    TinyInputs in = new TinyInputs(dir, "blocks.1.mlp.hook_post", Architecture.STANDARD, 12, 16, 21);
    for (String out : List.of("a", "b")) {
      List<String> args = common(in);
      args.add(0, "generate");
      args.addAll(List.of("--out", dir.resolve(out).toString()));
      atlas(args.toArray(String[]::new));
    }
    assertSameTree(dir.resolve("a"), dir.resolve("b"));
  }

  @Test
  void mergedShardsEqualASingleRun() throws IOException {
    TinyInputs in = new TinyInputs(dir, "blocks.0.hook_resid_post", Architecture.JUMPRELU, 12, 16, 22);
    List<String> single = common(in);
    single.add(0, "generate");
    single.addAll(List.of("--out", dir.resolve("single").toString()));
    atlas(single.toArray(String[]::new));
    List<String> merge = new ArrayList<>(List.of("merge", "--out", dir.resolve("merged").toString()));
    for (int i = 2; i >= 0; i--) { // shards may be given in any order
      List<String> shard = common(in);
      shard.add(0, "generate");
      shard.addAll(List.of("--shard", i + "/3", "--out", dir.resolve("shard" + i).toString()));
      atlas(shard.toArray(String[]::new));
      merge.add(dir.resolve("shard" + i).toString());
    }
    atlas(merge.toArray(String[]::new));
    assertSameTree(dir.resolve("single"), dir.resolve("merged"));
  }

  @Test
  void mergeRefusesAnIncompleteSet() throws IOException {
    TinyInputs in = new TinyInputs(dir, "blocks.0.hook_resid_post", Architecture.STANDARD, 6, 16, 23);
    List<String> shard = common(in);
    shard.add(0, "generate");
    shard.addAll(List.of("--shard", "0/2", "--out", dir.resolve("s0").toString()));
    atlas(shard.toArray(String[]::new));
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        "merge", "--out", dir.resolve("merged").toString(), dir.resolve("s0").toString());
    assertEquals(2, rc);
    assertTrue(err.toString().contains("shard 1/2 is missing"), err.toString());
    assertTrue(Files.notExists(dir.resolve("merged")));
  }
}
