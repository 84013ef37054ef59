package org.featureatlas.site.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.site.FakeData;
import org.featureatlas.site.FakeSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTest {
  @TempDir
  Path tmp;

  private Path data;
  private Path site;

  private void inputs() throws IOException {
    data = FakeData.write(tmp.resolve("in/data"));
    site = FakeSite.write(tmp.resolve("in/site"));
  }

  @Test
  void sameInputsGiveIdenticalBytesWhateverTheirTimesPermissionsOrCreationOrder() throws Exception {
    inputs();
    // A second copy of the inputs, written in reverse order, with other times and permissions.
    Path data2 = tmp.resolve("in2/data");
    Path site2 = tmp.resolve("in2/site");
    for (Map.Entry<Path, Path> pair : Map.of(data, data2, site, site2).entrySet()) {
      Map<String, byte[]> files = FakeSite.read(pair.getKey());
      List<String> names = new ArrayList<>(files.keySet());
      java.util.Collections.reverse(names);
      for (String name : names) {
        Path f = pair.getValue().resolve(name);
        Files.createDirectories(f.getParent());
        Files.write(f, files.get(name));
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_000_000L + name.hashCode()));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-x---"));
      }
    }
    TimeZone zone = TimeZone.getDefault();
    try {
      for (String ext : new String[] {".tar.gz", ".zip"}) {
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        Path a = tmp.resolve("a" + ext);
        ArchiveWriter.write(data, site, a);
        Thread.sleep(1100);
        for (String zone2 : new String[] {"Asia/Kolkata", "Pacific/Kiritimati", "America/Los_Angeles"}) {
          TimeZone.setDefault(TimeZone.getTimeZone(zone2));
          Path b = tmp.resolve("b-" + zone2.replace('/', '-') + ext);
          ArchiveWriter.write(data2, site2, b);
          assertEquals(-1L, Files.mismatch(a, b), ext + " archives of the same inputs differ (" + zone2 + ")");
        }
      }
    } finally {
      TimeZone.setDefault(zone);
    }
  }

  @Test
  void tarEntriesAreSortedWithFixedTimesModesAndOwners() throws Exception {
    inputs();
    Path out = tmp.resolve("x.tar.gz");
    ArchiveWriter.write(data, site, out);
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(out)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        names.add(e.getName());
        assertEquals(315_619_200L, e.getModTime().getTime() / 1000, e.getName());
        assertEquals(0100644, e.getMode(), e.getName());
        assertEquals(0L, e.getLongUserId());
        assertEquals(0L, e.getLongGroupId());
        assertEquals("", e.getUserName());
        assertEquals("", e.getGroupName());
        assertTrue(e.isFile());
      }
    }
    List<String> sorted = new ArrayList<>(names);
    sorted.sort(null);
    assertEquals(sorted, names);
    assertEquals("ATLAS-MANIFEST.json", names.get(0));
    List<String> expected = new ArrayList<>(List.of("ATLAS-MANIFEST.json"));
    FakeSite.read(data).keySet().forEach(n -> expected.add("data/" + n));
    FakeSite.files().keySet().forEach(n -> expected.add("site/" + n));
    expected.sort(null);
    assertEquals(expected, names);
    // gzip header: no modification time, no file name.
    byte[] head = new byte[10];
    try (InputStream in = Files.newInputStream(out)) {
      assertEquals(10, in.read(head));
    }
    assertArrayEquals(new byte[] {0, 0, 0, 0}, java.util.Arrays.copyOfRange(head, 4, 8));
    assertEquals(0, head[3], "no FNAME/FEXTRA flags");
  }

  @Test
  void longAndNonAsciiNamesStayReproducibleAndCarryNoUserName() throws Exception {
    inputs();
    String longName = "notes/" + "very-long-directory-name/".repeat(6) + "feature-ü-🙂.html";
    Files.createDirectories(site.resolve(longName).getParent());
    Files.writeString(site.resolve(longName), "<p>long</p>");
    String user = System.getProperty("user.name");
    Path a = tmp.resolve("a.tar.gz");
    Path b = tmp.resolve("b.tar.gz");
    try {
      System.setProperty("user.name", "alice-the-researcher");
      ArchiveWriter.write(data, site, a);
      System.setProperty("user.name", "bob");
      ArchiveWriter.write(data, site, b);
    } finally {
      System.setProperty("user.name", user);
    }
    assertEquals(-1L, Files.mismatch(a, b));
    byte[] raw;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(a))) {
      raw = in.readAllBytes();
    }
    assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("alice"), "user name leaked into the tar");
    Path out = tmp.resolve("x");
    ArchiveExtractor.extract(a, out);
    assertEquals("<p>long</p>", Files.readString(out.resolve("site/" + longName)));
  }

  @Test
  void manifestHoldsIdentityAndTheSha256OfEveryFile() throws Exception {
    inputs();
    Path out = tmp.resolve("m.zip");
    ArchiveWriter.write(data, site, out);
    Path x = tmp.resolve("x");
    ArchiveExtractor.extract(out, x);
    JsonNode m = new ObjectMapper().readTree(x.resolve("ATLAS-MANIFEST.json").toFile());
    assertEquals("openai-community/gpt2", m.get("model").get("name").asText());
    assertEquals("gpt2-small-res-jb", m.get("sae").get("name").asText());
    assertEquals(FakeData.HOOK, m.get("hook").asText());
    Map<String, String> expected = new TreeMap<>();
    FakeSite.read(data).forEach((k, v) -> expected.put("data/" + k, sha256(v)));
    FakeSite.files().forEach((k, v) -> expected.put("site/" + k, sha256(v)));
    Map<String, String> listed = new LinkedHashMap<>();
    m.get("files").fields().forEachRemaining(e -> listed.put(e.getKey(), e.getValue().get("sha256").asText()));
    assertEquals(expected, listed);
    assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(listed.keySet()), "sorted");
  }

  @Test
  void extractingGivesBackTheInputsExactly() throws Exception {
    inputs();
    for (String ext : new String[] {".tar.gz", ".zip"}) {
      Path out = tmp.resolve("r" + ext);
      ArchiveWriter.Summary s = ArchiveWriter.write(data, site, out);
      assertEquals(FakeSite.read(data).size() + FakeSite.files().size() + 1, s.files());
      assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
      ArchiveVerifier.Verified v = ArchiveVerifier.verify(out);
      assertEquals(s.files() - 1, v.files());
      Path dir = tmp.resolve("x" + ext);
      ArchiveExtractor.extract(out, dir);
      assertSameFiles(FakeSite.read(data), FakeSite.read(dir.resolve("data")));
      assertSameFiles(FakeSite.files(), FakeSite.read(dir.resolve("site")));
      try (Stream<Path> top = Files.list(dir)) {
        assertEquals(List.of("ATLAS-MANIFEST.json", "data", "site"),
            top.map(p -> p.getFileName().toString()).sorted().toList());
      }
    }
  }

  @Test
  void extractRefusesANonEmptyTarget() throws Exception {
    inputs();
    Path out = tmp.resolve("r.tar.gz");
    ArchiveWriter.write(data, site, out);
    Path dir = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(dir.resolve("keep.txt"), "mine");
    AtlasException e = assertThrows(AtlasException.class, () -> ArchiveExtractor.extract(out, dir));
    assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    assertEquals("mine", Files.readString(dir.resolve("keep.txt")));
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    ArchiveExtractor.extract(out, empty);
    assertTrue(Files.isRegularFile(empty.resolve("site/index.html")));
  }

  /** `.` would be swapped out from under the shell even when empty; checked in a JVM started in a scratch directory. */
  @Test
  void extractRefusesTheCurrentDirectoryAndALink() throws Exception {
    inputs();
    Path out = tmp.resolve("r.tar.gz");
    ArchiveWriter.write(data, site, out);
    Path cwd = Files.createDirectories(tmp.resolve("cwd"));
    Path log = tmp.resolve("cwd.log");
    Process p = org.featureatlas.cli.AtlasProcess.start(cwd, log, List.of("archive", "extract", out.toString(), "."));
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "atlas did not finish");
    String text = Files.readString(log).strip();
    assertEquals(2, p.exitValue(), text);
    assertTrue(text.endsWith("atlas: error: .: is the current directory or contains it, and would be replaced as a whole;"
        + " choose a new directory"), text);
    try (java.util.stream.Stream<Path> s = Files.list(cwd)) {
      assertEquals(List.of(), s.toList(), "the current directory changed");
    }
    try (java.util.stream.Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(), s.filter(f -> f.getFileName().toString().startsWith(".cwd.")).toList(), "working directories left");
    }
    Path target = Files.createDirectories(tmp.resolve("real-target"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
    AtlasException e = assertThrows(AtlasException.class, () -> ArchiveExtractor.extract(out, link));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    try (java.util.stream.Stream<Path> s = Files.list(target)) {
      assertEquals(List.of(), s.toList());
    }
  }

  @Test
  void craftedEntriesThatEscapeOrLinkAreRefusedAndNothingIsWritten() throws Exception {
    Map<String, CraftedEntry> cases = new LinkedHashMap<>();
    cases.put("dotdot.tar.gz", CraftedEntry.file("../evil.txt"));
    cases.put("deep-dotdot.tar.gz", CraftedEntry.file("site/../../evil.txt"));
    cases.put("absolute.tar.gz", CraftedEntry.file("/tmp/evil-absolute.txt"));
    cases.put("backslash.tar.gz", CraftedEntry.file("..\\evil.txt"));
    cases.put("symlink.tar.gz", new CraftedEntry("site/link", TarConstants.LF_SYMLINK, "../../evil.txt"));
    cases.put("hardlink.tar.gz", new CraftedEntry("site/hard", TarConstants.LF_LINK, "/etc/passwd"));
    cases.put("device.tar.gz", new CraftedEntry("site/dev", TarConstants.LF_CHR, ""));
    cases.put("dotdot.zip", CraftedEntry.file("../evil.txt"));
    cases.put("absolute.zip", CraftedEntry.file("/tmp/evil-absolute.txt"));
    cases.put("symlink.zip", new CraftedEntry("site/link", TarConstants.LF_SYMLINK, "../../evil.txt"));
    for (Map.Entry<String, CraftedEntry> c : cases.entrySet()) {
      Path work = Files.createDirectories(tmp.resolve("case-" + c.getKey()));
      Path archive = work.resolve(c.getKey());
      writeCrafted(archive, c.getValue());
      Path dir = work.resolve("out/target");
      Files.createDirectories(dir.getParent());
      AtlasException e = assertThrows(AtlasException.class, () -> ArchiveExtractor.extract(archive, dir), c.getKey());
      assertTrue(e.getMessage().contains("refused") && e.getMessage().contains(c.getValue().name().replace("\\", "\\")),
          c.getKey() + ": " + e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
      assertFalse(Files.exists(dir), c.getKey() + ": target created");
      assertFalse(Files.exists(work.resolve("out/evil.txt")) || Files.exists(work.resolve("evil.txt"))
          || Files.exists(Path.of("/tmp/evil-absolute.txt")), c.getKey() + ": wrote outside");
      try (Stream<Path> left = Files.list(work.resolve("out"))) {
        assertEquals(List.of(), left.toList(), c.getKey() + ": left files behind");
      }
      AtlasException v = assertThrows(AtlasException.class, () -> ArchiveVerifier.verify(archive), c.getKey());
      assertTrue(v.getMessage().contains("refused"), v.getMessage());
    }
  }

  @Test
  void truncatedArchivesAreRefusedClearly() throws Exception {
    inputs();
    for (String ext : new String[] {".tar.gz", ".zip"}) {
      Path good = tmp.resolve("good" + ext);
      ArchiveWriter.write(data, site, good);
      byte[] bytes = Files.readAllBytes(good);
      for (int cut : new int[] {bytes.length / 2, bytes.length - 4, 100}) {
        Path bad = tmp.resolve("cut-" + cut + ext);
        Files.write(bad, java.util.Arrays.copyOf(bytes, cut));
        AtlasException v = assertThrows(AtlasException.class, () -> ArchiveVerifier.verify(bad), bad.toString());
        assertTrue(v.getMessage().startsWith(bad + ": "), v.getMessage());
        assertTrue(v.getMessage().contains("truncated or corrupt"), v.getMessage());
        Path dir = tmp.resolve("x-" + cut + ext.replace('.', '-'));
        AtlasException x = assertThrows(AtlasException.class, () -> ArchiveExtractor.extract(bad, dir));
        assertTrue(x.getMessage().contains("truncated or corrupt"), x.getMessage());
        assertFalse(Files.exists(dir));
      }
    }
    try (Stream<Path> left = Files.list(tmp)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".")), "temporary files left behind");
    }
  }

  @Test
  void tamperedContentsAreReportedByName() throws Exception {
    inputs();
    Path good = tmp.resolve("good.tar.gz");
    ArchiveWriter.write(data, site, good);
    // Rewrite the archive: one file changed, one dropped, one added; the manifest left as it was.
    Path bad = tmp.resolve("bad.tar.gz");
    try (TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(good)));
         TarArchiveOutputStream out = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(bad)))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        byte[] content = in.readAllBytes();
        if (e.getName().equals("site/robots.txt")) {
          continue;
        }
        if (e.getName().equals("site/index.html")) {
          content = new String(content, StandardCharsets.UTF_8).replace("Feature Atlas", "Feature AtlaZ")
              .getBytes(StandardCharsets.UTF_8);
        }
        putTar(out, e.getName(), content);
      }
      putTar(out, "site/extra.html", "<p>x</p>".getBytes(StandardCharsets.UTF_8));
    }
    AtlasException v = assertThrows(AtlasException.class, () -> ArchiveVerifier.verify(bad));
    String msg = v.getMessage();
    assertTrue(msg.contains("3 problems"), msg);
    assertTrue(msg.contains("site/extra.html: in the archive but not in the manifest"), msg);
    assertTrue(msg.contains("site/index.html: sha256"), msg);
    assertTrue(msg.contains("site/robots.txt: in the manifest but missing"), msg);
    Path dir = tmp.resolve("x");
    assertThrows(AtlasException.class, () -> ArchiveExtractor.extract(bad, dir));
    assertFalse(Files.exists(dir));
  }

  @Test
  void inputsWithSymlinksOrAnOutputInsideThemAreRefused() throws Exception {
    inputs();
    AtlasException inside = assertThrows(AtlasException.class,
        () -> ArchiveWriter.write(data, site, site.resolve("self.tar.gz")));
    assertTrue(inside.getMessage().contains("inside its input"), inside.getMessage());
    Files.writeString(tmp.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(site.resolve("leak.txt"), tmp.resolve("secret.txt"));
    AtlasException link = assertThrows(AtlasException.class,
        () -> ArchiveWriter.write(data, site, tmp.resolve("x.tar.gz")));
    assertTrue(link.getMessage().contains("symbolic link"), link.getMessage());
    assertFalse(Files.exists(tmp.resolve("x.tar.gz")));
  }

  @Test
  void inputDirectoriesReachedThroughASymlinkAreFine() throws Exception {
    inputs();
    Path linked = Files.createSymbolicLink(tmp.resolve("site-link"), site);
    Path a = tmp.resolve("a.tar.gz");
    Path b = tmp.resolve("b.tar.gz");
    ArchiveWriter.write(data, site, a);
    ArchiveWriter.write(data, linked, b);
    assertEquals(-1L, Files.mismatch(a, b));
  }

  @Test
  void defaultNameComesFromModelSaeAndHook() {
    assertEquals("openai-community_gpt2-gpt2-small-res-jb-blocks.8.hook_resid_pre.tar.gz",
        ArchiveName.of(FakeData.manifest(), ArchiveFormat.TAR_GZ));
    assertEquals("a_b_c", ArchiveName.part("a b/../c"));
    assertEquals("unknown", ArchiveName.part("../"));
    assertEquals("x.zip", "x" + ArchiveFormat.of(Path.of("y.ZIP")).extension());
    assertThrows(AtlasException.class, () -> ArchiveFormat.of(Path.of("y.rar")));
  }

  record CraftedEntry(String name, byte type, String link) {
    static CraftedEntry file(String name) {
      return new CraftedEntry(name, TarConstants.LF_NORMAL, "");
    }
  }

  /** An archive with a valid manifest entry first and then the crafted entry. */
  private static void writeCrafted(Path archive, CraftedEntry entry) throws IOException {
    byte[] manifest = "{\"format_version\":1,\"files\":{}}\n".getBytes(StandardCharsets.UTF_8);
    byte[] payload = "evil\n".getBytes(StandardCharsets.UTF_8);
    if (archive.toString().endsWith(".zip")) {
      try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(archive)) {
        ZipArchiveEntry m = new ZipArchiveEntry("ATLAS-MANIFEST.json");
        zip.putArchiveEntry(m);
        zip.write(manifest);
        zip.closeArchiveEntry();
        ZipArchiveEntry e = new ZipArchiveEntry(entry.name());
        if (entry.type() == TarConstants.LF_SYMLINK) {
          e.setUnixMode(0120777);
          payload = entry.link().getBytes(StandardCharsets.UTF_8);
        }
        zip.putArchiveEntry(e);
        zip.write(payload);
        zip.closeArchiveEntry();
      }
      return;
    }
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(archive)))) {
      putTar(tar, "ATLAS-MANIFEST.json", manifest);
      TarArchiveEntry e = new TarArchiveEntry(entry.name(), entry.type(), true);
      if (entry.type() == TarConstants.LF_NORMAL) {
        e.setSize(payload.length);
        tar.putArchiveEntry(e);
        tar.write(payload);
      } else {
        e.setLinkName(entry.link());
        tar.putArchiveEntry(e);
      }
      tar.closeArchiveEntry();
    }
  }

  private static void putTar(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(content.length);
    tar.putArchiveEntry(e);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
  }

  private static String sha256(byte[] bytes) throws RuntimeException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unused")
  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream g = new GZIPOutputStream(out)) {
      g.write(b);
    }
    return out.toByteArray();
  }
}
