package org.featureatlas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

import org.junit.jupiter.api.Test;

/** Every command answers --help, and an unknown option is a usage error, not a crash. */
class AtlasCliTest {
  static List<List<String>> allCommands() {
    CommandLine root = new CommandLine(new Atlas());
    List<List<String>> out = new java.util.ArrayList<>();
    out.add(List.of());
    collect(root, List.of(), out);
    return out;
  }

  static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
    for (Map.Entry<String, CommandLine> e : cmd.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) continue;
      List<String> p = new java.util.ArrayList<>(path);
      p.add(e.getKey());
      out.add(p);
      collect(e.getValue(), p, out);
    }
  }

  @Test
  void everyCommandHasHelp() {
    List<List<String>> commands = allCommands();
    assertTrue(commands.size() >= 5, "expected the stage commands, got " + commands);
    for (List<String> cmd : commands) {
      StringWriter out = new StringWriter();
      List<String> args = new java.util.ArrayList<>(cmd);
      args.add("--help");
      int rc = Atlas.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args.toArray(String[]::new));
      assertEquals(0, rc, "atlas " + String.join(" ", args));
      assertTrue(out.toString().startsWith("Usage: atlas"), "atlas " + String.join(" ", args) + " printed: " + out);
    }
  }

  @Test
  void unknownOptionIsAUsageError() {
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "generate", "--model", "m", "--sae", "s", "--tokens", "t.npy", "--out", "o", "--no-such-option");
    assertEquals(2, rc);
    assertTrue(err.toString().contains("--no-such-option"), err.toString());
  }
}
