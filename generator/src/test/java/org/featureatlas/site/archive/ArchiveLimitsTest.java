package org.featureatlas.site.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.featureatlas.check.AtlasException;
import org.featureatlas.site.FakeData;
import org.featureatlas.site.FakeSite;
import org.featureatlas.site.archive.ArchiveManifest.FileDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an archive may not carry: bytes after its end, files beyond or outside its manifest. */
class ArchiveLimitsTest {
  private static final int RECORD = 10240;

  @TempDir
  Path tmp;

  private Path good(String ext) throws IOException {
    Path data = FakeData.write(tmp.resolve("in/data"));
    Path site = FakeSite.write(tmp.resolve("in/site"));
    Path out = tmp.resolve("good" + ext);
    ArchiveWriter.write(data, site, out);
    return out;
  }

  /** Verify and extract both accept {@code archive}. */
  private void accepted(Path archive) {
    ArchiveVerifier.verify(archive);
    Path dir = tmp.resolve("ok-" + archive.getFileName());
    ArchiveExtractor.extract(archive, dir);
    assertTrue(Files.isRegularFile(dir.resolve("site/index.html")), archive.toString());
  }

  /** Verify and extract both refuse {@code archive} with one line naming it and containing {@code why}; nothing is left. */
  private void refused(Path archive, String why) throws IOException {
    AtlasException v = assertThrows(AtlasException.class, () -> ArchiveVerifier.verify(archive), archive.toString());
    assertTrue(v.getMessage().startsWith(archive + ": ") && v.getMessage().contains(why), v.getMessage());
    assertFalse(v.getMessage().contains("\n"), v.getMessage());
    Path parent = Files.createDirectories(tmp.resolve("x-" + archive.getFileName()));
    Path dir = parent.resolve("target");
    AtlasException x = assertThrows(AtlasException.class, () -> ArchiveExtractor.extract(archive, dir));
    assertTrue(x.getMessage().startsWith(archive + ": ") && x.getMessage().contains(why), x.getMessage());
    assertFalse(x.getMessage().contains("\n"), x.getMessage());
    try (Stream<Path> left = Files.list(parent)) {
      assertEquals(List.of(), left.toList(), archive + ": extract left files behind");
    }
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name), bytes);
  }

  @Test
  void bytesAfterTheGzipStreamAreRefused() throws Exception {
    byte[] good = Files.readAllBytes(good(".tar.gz"));
    refused(write("garbage.tar.gz", concat(good, "trailing garbage\n".getBytes(StandardCharsets.UTF_8))),
        "data after the end of the gzip stream");
    refused(write("one-byte.tar.gz", concat(good, new byte[] {0})), "data after the end of the gzip stream");
    refused(write("member.tar.gz", concat(good, gzip("a second member".getBytes(StandardCharsets.UTF_8)))),
        "data after the end of the gzip stream");
    // Even a second member that holds nothing but zeros, which a concatenating reader would take as padding.
    refused(write("zero-member.tar.gz", concat(good, gzip(new byte[RECORD]))), "data after the end of the gzip stream");
  }

  @Test
  void dataAfterTheEndOfTheTarIsRefusedButItsOwnPaddingIsNot() throws Exception {
    byte[] tar = gunzip(Files.readAllBytes(good(".tar.gz")));
    int end = dataEnd(tar);
    assertEquals(end + 1024, tar.length, "the writer ends with two end-of-archive blocks");
    // As GNU tar writes it: zero padding to a whole 10 KiB record.
    byte[] padded = Arrays.copyOf(tar, (tar.length + RECORD - 1) / RECORD * RECORD);
    assertTrue(padded.length > tar.length, "the test needs some padding");

    // Control: the same tar recompressed, with and without the record padding.
    accepted(write("recompressed.tar.gz", gzip(tar)));
    accepted(write("padded.tar.gz", gzip(padded)));

    byte[] hidden = padded.clone();
    hidden[padded.length - 1] = 'X'; // inside the record padding, after the end blocks
    refused(write("hidden-in-padding.tar.gz", gzip(hidden)), "data after the end of the tar archive");
    byte[] hiddenInEnd = tar.clone();
    hiddenInEnd[end + 600] = 1; // inside the second end-of-archive block
    refused(write("hidden-in-end-block.tar.gz", gzip(hiddenInEnd)), "data after the end of the tar archive");
    refused(write("second-tar.tar.gz", gzip(concat(tar, tar))), "data after the end of the tar archive");
    refused(write("text-after.tar.gz", gzip(concat(tar, "PAYLOAD".getBytes(StandardCharsets.UTF_8)))),
        "data after the end of the tar archive");
    refused(write("extra-zero-record.tar.gz", gzip(concat(padded, new byte[RECORD]))),
        "data after the end of the tar archive");
    refused(write("odd-zero-tail.tar.gz", gzip(concat(tar, new byte[100]))), "data after the end of the tar archive");
  }

  @Test
  void bytesAfterTheZipEndRecordAreRefusedButAZipCommentIsNot() throws Exception {
    byte[] good = Files.readAllBytes(good(".zip"));
    assertEquals(0x06054b50, le(good).getInt(good.length - 22), "no comment: the end record closes the file");
    refused(write("garbage.zip", concat(good, "trailing garbage\n".getBytes(StandardCharsets.UTF_8))),
        "corrupt: 17 bytes of data after the end of the zip archive");
    refused(write("zeros.zip", concat(good, new byte[4])), "corrupt: 4 bytes of data after the end of the zip archive");
    // A whole second copy ends in a proper end record, but its directory is the first copy's.
    refused(write("twice.zip", concat(good, good)),
        "corrupt: " + good.length + " bytes of data between the zip central directory and its end record");

    // A comment is part of the end record: set its length and append it.
    byte[] comment = "made by hand".getBytes(StandardCharsets.UTF_8);
    byte[] commented = concat(good, comment);
    le(commented).putShort(good.length - 2, (short) comment.length);
    accepted(write("commented.zip", commented));
    refused(write("commented-garbage.zip", concat(commented, new byte[] {'x'})),
        "corrupt: 1 bytes of data after the end of the zip archive");
  }

  @Test
  void zip64EndRecordsAreFollowedToo() throws Exception {
    Path good = good(".zip");
    Path zip64 = tmp.resolve("zip64.zip");
    // The same entries, rewritten with zip64 end records.
    try (org.apache.commons.compress.archivers.zip.ZipFile in =
             org.apache.commons.compress.archivers.zip.ZipFile.builder().setPath(good).get();
         ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip64)) {
      out.setUseZip64(org.apache.commons.compress.archivers.zip.Zip64Mode.Always);
      for (ZipArchiveEntry e : java.util.Collections.list(in.getEntriesInPhysicalOrder())) {
        ZipArchiveEntry copy = new ZipArchiveEntry(e.getName());
        copy.setMethod(ZipEntry.DEFLATED);
        out.putArchiveEntry(copy);
        try (InputStream content = in.getInputStream(e)) {
          content.transferTo(out);
        }
        out.closeArchiveEntry();
      }
    }
    byte[] bytes = Files.readAllBytes(zip64);
    assertEquals(0x07064b50, le(bytes).getInt(bytes.length - 22 - 20), "a zip64 locator before the end record");
    accepted(zip64);
    refused(write("zip64-garbage.zip", concat(bytes, new byte[] {1, 2, 3})),
        "corrupt: 3 bytes of data after the end of the zip archive");
  }

  @Test
  void aZipEntryThatInflatesPastItsManifestSizeIsCutOffAndNothingIsLeft() throws Exception {
    int listed = 1000;
    byte[] bomb = new byte[8 << 20]; // 8 MiB of zeros deflate to a few KiB
    Path archive = tmp.resolve("bomb.zip");
    writeZip(archive, manifest(Map.of("site/bomb.bin", Sha256.of(Arrays.copyOf(bomb, listed)))),
        Map.of("site/bomb.bin", bomb));
    assertTrue(Files.size(archive) < 64 << 10, "a small archive: " + Files.size(archive));
    // The zip's own directory now claims the listed size too: only the inflated stream tells the truth.
    claimZipSize(archive, "site/bomb.bin", listed);

    // The reader hands on exactly the listed number of bytes, then stops with the error.
    long[] handed = {0};
    AtlasException e = assertThrows(AtlasException.class, () -> ManifestedReader.read(archive, m -> { }, n -> { },
        (name, content) -> {
          if (name.equals("site/bomb.bin")) {
            byte[] buffer = new byte[4096];
            int n;
            while ((n = content.read(buffer)) >= 0) {
              handed[0] += n;
            }
          }
        }));
    assertEquals(listed, handed[0]);
    assertTrue(e.getMessage().contains("entry 'site/bomb.bin' is larger than the 1000 bytes ATLAS-MANIFEST.json "
        + "lists for it (its content runs on past that)"), e.getMessage());

    refused(archive, "entry 'site/bomb.bin' is larger than the 1000 bytes");
  }

  @Test
  void aTarEntryWhoseHeaderClaimsMoreThanTheManifestIsRefusedBeforeItIsRead() throws Exception {
    byte[] big = new byte[4 << 20];
    Path archive = tmp.resolve("big.tar.gz");
    writeTarGz(archive, manifest(Map.of("data/a.json", Sha256.of(new byte[10]))), Map.of("data/a.json", big));
    List<String> handed = new java.util.ArrayList<>();
    AtlasException e = assertThrows(AtlasException.class, () -> ManifestedReader.read(archive, m -> { }, n -> { },
        (name, content) -> handed.add(name)));
    assertEquals(List.of(ArchiveManifest.NAME), handed, "the oversized entry must not be handed on");
    assertTrue(e.getMessage().contains("entry 'data/a.json' is larger than the 10 bytes ATLAS-MANIFEST.json lists for "
        + "it (its header says 4194304 bytes)"), e.getMessage());
    refused(archive, "entry 'data/a.json' is larger than the 10 bytes");
  }

  @Test
  void extractRefusesAFileTheManifestDoesNotListBeforeWritingIt() throws Exception {
    byte[] payload = "not listed".getBytes(StandardCharsets.UTF_8);
    for (String ext : new String[] {".tar.gz", ".zip"}) {
      Path archive = tmp.resolve("unlisted" + ext);
      Map<String, byte[]> files = new LinkedHashMap<>();
      files.put("data/listed.json", "{}".getBytes(StandardCharsets.UTF_8));
      files.put("site/extra.html", payload);
      byte[] manifest = manifest(Map.of("data/listed.json", Sha256.of(files.get("data/listed.json"))));
      if (ext.equals(".zip")) {
        writeZip(archive, manifest, files);
      } else {
        writeTarGz(archive, manifest, files);
      }
      Path parent = Files.createDirectories(tmp.resolve("x" + ext));
      Path dir = parent.resolve("target");
      AtlasException x = assertThrows(AtlasException.class, () -> ArchiveExtractor.extract(archive, dir));
      assertEquals(archive + ": refused: entry 'site/extra.html' is not in ATLAS-MANIFEST.json; nothing extracted",
          x.getMessage());
      try (Stream<Path> left = Files.list(parent)) {
        assertEquals(List.of(), left.toList());
      }
      // verify lists it among the problems instead.
      AtlasException v = assertThrows(AtlasException.class, () -> ArchiveVerifier.verify(archive));
      assertTrue(v.getMessage().contains("site/extra.html: in the archive but not in the manifest"), v.getMessage());
    }
  }

  @Test
  void theManifestMustComeFirstBeValidAndBeSmall() throws Exception {
    byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> before = new LinkedHashMap<>();
    before.put("data/a.json", json);
    before.put(ArchiveManifest.NAME, manifest(Map.of("data/a.json", Sha256.of(json))));
    Path late = tmp.resolve("late.tar.gz");
    writeTarGz(late, null, before);
    refused(late, "entry 'data/a.json' comes before ATLAS-MANIFEST.json, which must be the first file");

    Path negative = tmp.resolve("negative.zip");
    writeZip(negative, manifest(Map.of("data/a.json", new FileDigest(-5, Sha256.of(json).sha256()))),
        Map.of("data/a.json", json));
    refused(negative, "ATLAS-MANIFEST.json is not valid (file 'data/a.json' needs a size of 0 or more");

    Path huge = tmp.resolve("huge-manifest.tar.gz");
    writeTarGz(huge, new byte[ManifestedReader.MAX_MANIFEST_BYTES + 1], Map.of());
    refused(huge, "ATLAS-MANIFEST.json is larger than 64 MiB");
  }

  @Test
  void extractRefusesUpFrontWhenTheListedFilesCannotFitOnTheDisk() throws Exception {
    Path archive = tmp.resolve("vast.tar.gz");
    byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
    writeTarGz(archive, manifest(Map.of("data/a.json", Sha256.of(json), "data/vast.bin",
        new FileDigest(Long.MAX_VALUE / 2, Sha256.of(json).sha256()))), Map.of("data/a.json", json));
    Path parent = Files.createDirectories(tmp.resolve("x"));
    AtlasException x = assertThrows(AtlasException.class, () -> ArchiveExtractor.extract(archive, parent.resolve("t")));
    assertTrue(x.getMessage().contains("its manifest lists " + (Long.MAX_VALUE / 2 + 2) + " bytes of files, but only "),
        x.getMessage());
    try (Stream<Path> left = Files.list(parent)) {
      assertEquals(List.of(), left.toList());
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static byte[] manifest(Map<String, FileDigest> files) {
    return ArchiveWriter.manifestBytes(new ArchiveManifest(ArchiveManifest.FORMAT_VERSION, null, null, null, null,
        FakeData.HOOK, new TreeMap<>(files)));
  }

  /** The manifest (when not null) first, then {@code files} in their map order. */
  private static void writeTarGz(Path archive, byte[] manifest, Map<String, byte[]> files) throws IOException {
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(archive)))) {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      if (manifest != null) {
        putTar(tar, ArchiveManifest.NAME, manifest);
      }
      for (Map.Entry<String, byte[]> f : new LinkedHashMap<>(files).entrySet()) {
        putTar(tar, f.getKey(), f.getValue());
      }
    }
  }

  private static void putTar(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(content.length);
    tar.putArchiveEntry(e);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static void writeZip(Path archive, byte[] manifest, Map<String, byte[]> files) throws IOException {
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(archive)) {
      zip.setLevel(Deflater.BEST_COMPRESSION);
      Map<String, byte[]> all = new LinkedHashMap<>();
      all.put(ArchiveManifest.NAME, manifest);
      all.putAll(files);
      for (Map.Entry<String, byte[]> f : all.entrySet()) {
        ZipArchiveEntry e = new ZipArchiveEntry(f.getKey());
        e.setMethod(ZipEntry.DEFLATED);
        zip.putArchiveEntry(e);
        zip.write(f.getValue());
        zip.closeArchiveEntry();
      }
    }
  }

  /** Rewrites the uncompressed size of {@code name} in its local header and in the central directory. */
  private static void claimZipSize(Path archive, String name, int size) throws IOException {
    byte[] zip = Files.readAllBytes(archive);
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = le(zip);
    int patched = 0;
    for (int at = 0; at + n.length <= zip.length; at++) {
      if (!Arrays.equals(zip, at, at + n.length, n, 0, n.length)) {
        continue;
      }
      if (at >= 30 && b.getInt(at - 30) == 0x04034b50) {
        b.putInt(at - 30 + 22, size);
        patched++;
      } else if (at >= 46 && b.getInt(at - 46) == 0x02014b50) {
        b.putInt(at - 46 + 24, size);
        patched++;
      }
    }
    assertEquals(2, patched, "local and central headers of " + name);
    Files.write(archive, zip);
  }

  /** Where the last entry's blocks end in a tar whose last file does not end in zero bytes. */
  private static int dataEnd(byte[] tar) {
    int last = tar.length - 1;
    while (tar[last] == 0) {
      last--;
    }
    return (last / 512 + 1) * 512;
  }

  private static ByteBuffer le(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream g = new GZIPOutputStream(out)) {
      g.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] bytes) throws IOException {
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }
}
