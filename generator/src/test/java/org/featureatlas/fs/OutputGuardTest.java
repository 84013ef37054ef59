package org.featureatlas.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputGuardTest {
  static final OutputGuard.Kind DATA = OutputGuard.Kind.owning("a data directory", "manifest.json",
      Set.of("manifest.json", "vocab.json", "features", "notes"));

  @TempDir
  Path tmp;

  String refusal(Path out, List<Path> inputs, Path cwd) {
    return assertThrows(AtlasException.class, () -> OutputGuard.check(out, DATA, inputs, cwd)).getMessage();
  }

  @Test
  void acceptsANewAnEmptyOrAPreviousOutput() throws Exception {
    Path cwd = Files.createDirectories(tmp.resolve("cwd"));
    OutputGuard.check(tmp.resolve("new/data"), DATA, List.of(), cwd);
    OutputGuard.check(Files.createDirectories(tmp.resolve("empty")), DATA, List.of(), cwd);
    Path previous = Files.createDirectories(tmp.resolve("previous/notes"));
    Files.writeString(previous.resolveSibling("manifest.json"), "{}");
    OutputGuard.check(previous.getParent(), DATA, List.of(tmp.resolve("model")), cwd);
  }

  @Test
  void refusesTheCurrentDirectoryAndItsParents() throws Exception {
    Path cwd = Files.createDirectories(tmp.resolve("a/b"));
    for (Path out : List.of(cwd, tmp.resolve("a"), tmp, cwd.resolve("."), cwd.resolve("c/.."))) {
      assertEquals(out + ": is the current directory or contains it, and would be replaced as a whole; choose a new directory",
          refusal(out, List.of(), cwd));
    }
    assertEquals("/: is the root of the file system; choose a new directory below it", refusal(Path.of("/"), List.of(), cwd));
  }

  @Test
  void refusesAnInputOrAParentOfOne() throws Exception {
    Path cwd = Files.createDirectories(tmp.resolve("cwd"));
    Path model = Files.createDirectories(tmp.resolve("in/model"));
    Path tokens = tmp.resolve("in/tok/tokens.npy");
    List<Path> inputs = List.of(model, tokens);
    assertEquals(model + ": would replace an input (" + model + "); choose another directory", refusal(model, inputs, cwd));
    assertEquals(tmp.resolve("in") + ": would replace an input (" + model + "); choose another directory",
        refusal(tmp.resolve("in"), inputs, cwd));
    assertEquals(tokens.getParent() + ": would replace an input (" + tokens + "); choose another directory",
        refusal(tokens.getParent(), inputs, cwd));
    // The same folder reached through a symbolic link.
    Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("in"));
    assertEquals(link.resolve("model") + ": would replace an input (" + model + "); choose another directory",
        refusal(link.resolve("model"), inputs, cwd));
  }

  @Test
  void refusesAFileALinkAndAForeignDirectory() throws Exception {
    Path cwd = Files.createDirectories(tmp.resolve("cwd"));
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertEquals(file + ": exists and is not a directory; choose a new directory", refusal(file, List.of(), cwd));
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("manifest.json"), "{}");
    Path link = Files.createSymbolicLink(tmp.resolve("data-link"), data);
    assertEquals(link + ": is a symbolic link; name a directory, not a link to one", refusal(link, List.of(), cwd));
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    for (String name : List.of("a.txt", "b.txt", "c.txt", "d.txt")) Files.writeString(foreign.resolve(name), name);
    assertEquals(foreign + ": exists and is not a data directory (no manifest.json; it holds a.txt, b.txt, c.txt and 1 more);"
        + " remove it or choose another directory", refusal(foreign, List.of(), cwd));
    Files.writeString(data.resolve("thesis.tex"), "precious");
    assertEquals(data + ": is not only a data directory (it also holds thesis.tex); remove those or choose another directory",
        refusal(data, List.of(), cwd));
  }
}
