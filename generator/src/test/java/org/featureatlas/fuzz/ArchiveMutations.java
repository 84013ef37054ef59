package org.featureatlas.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Mutations of an atlas archive ({@code .tar.gz} or {@code .zip}): of the compressed bytes, of tar header
 * fields (with or without a fixed checksum), of zip records, and of the entries themselves (renamed,
 * dropped, duplicated, added as links, with changed content or an edited {@code ATLAS-MANIFEST.json}).
 * {@link Mutant}s whose archive no longer matches its manifest are marked, as verify must refuse them.
 */
final class ArchiveMutations {
  private static final String MANIFEST = "ATLAS-MANIFEST.json";
  private static final String[] NAMES = {"../evil", "/abs/evil", "site/../../evil", "site/./x", "site//x", "site\\..\\evil",
      "site/a\u0000b", "site/\u0007bell", "", ".", "site/", "C:/evil", "site/" + "n".repeat(300), "data/manifest.json/x",
      "site/index.html/x", MANIFEST, "site/index.html"};

  /** An archive mutant and whether any correct reader must refuse it. */
  record Result(Mutant mutant, boolean mustRefuse) {}

  /** A named entry of an archive: a regular file unless {@code type} says otherwise. */
  record Entry(String name, byte[] content, byte type, String link) {
    static Entry file(String name, byte[] content) {
      return new Entry(name, content, TarConstants.LF_NORMAL, null);
    }
  }

  private ArchiveMutations() {}

  static Result any(byte[] in, boolean zip, Random r) {
    int k = r.nextInt(10);
    if (k < 2) {
      Mutant m = ByteMutations.any(in, r);
      // A cut always breaks a gzip trailer or a zip's end record; bytes appended to a .tar.gz are outside the
      // signed content (a zip reader may legitimately find its end record before them).
      boolean refuse = m.description().startsWith("truncate") || (!zip && m.description().startsWith("append"));
      return new Result(m, refuse && m.bytes().length != in.length);
    } else if (k == 2) {
      return new Result(ByteMutations.bitFlips(in, r), false);
    } else if (k == 3) {
      return appendAfterStream(in, zip, r);
    } else if (k < 6) {
      return zip ? new Result(zipRecord(in, r), false) : new Result(tarHeader(in, r), false);
    } else {
      return entries(in, zip, r);
    }
  }

  /** Bytes after the end of the archive: garbage, zeros, or a second gzip member. */
  static Result appendAfterStream(byte[] in, boolean zip, Random r) {
    byte[] extra;
    String what;
    switch (r.nextInt(4)) {
      case 0 -> {
        extra = new byte[1 + r.nextInt(100)];
        r.nextBytes(extra);
        what = extra.length + " random bytes";
      }
      case 1 -> {
        extra = new byte[512 * (1 + r.nextInt(4))];
        what = extra.length + " zero bytes";
      }
      case 2 -> {
        extra = "garbage after the archive\n".getBytes(StandardCharsets.US_ASCII);
        what = "a line of text";
      }
      default -> {
        extra = gzip(tar(List.of(Entry.file("site/smuggled.html", "<p>smuggled</p>".getBytes(StandardCharsets.UTF_8)))));
        what = "a second gzip member holding a tar entry";
      }
    }
    byte[] b = Arrays.copyOf(in, in.length + extra.length);
    System.arraycopy(extra, 0, b, in.length, extra.length);
    // A zip's end record may be followed by a comment-less tail that readers locate backwards; only random
    // garbage there is a sure corruption. For .tar.gz every appended byte is outside the signed content.
    return new Result(new Mutant(b, "append after the archive: " + what), !zip);
  }

  /** Edits one field of one tar header block (inside the gzip stream); the checksum is fixed half the time. */
  static Mutant tarHeader(byte[] in, Random r) {
    byte[] tar = gunzip(in);
    List<Integer> headers = new ArrayList<>();
    int pos = 0;
    while (pos + 512 <= tar.length && tar[pos] != 0) {
      headers.add(pos);
      long size = octal(tar, pos + 124, 12);
      if (size < 0) break;
      pos += 512 + (int) ((size + 511) / 512 * 512);
    }
    if (headers.isEmpty()) return ByteMutations.any(in, r);
    int h = headers.get(r.nextInt(headers.size()));
    String field;
    switch (r.nextInt(8)) {
      case 0 -> {
        field = "name";
        String name = NAMES[r.nextInt(NAMES.length)];
        byte[] n = Arrays.copyOf(name.getBytes(StandardCharsets.UTF_8), 100);
        System.arraycopy(n, 0, tar, h, 100);
        field += " '" + name.replaceAll("\\p{Cntrl}", "?") + "'";
      }
      case 1 -> {
        String[] sizes = {"00000000000", "77777777777", "00000001000", "0000000000x", "-0000000001", "00000100000"};
        String s = sizes[r.nextInt(sizes.length)];
        System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, tar, h + 124, 11);
        field = "size " + s;
      }
      case 2 -> {
        byte t = (byte) "0125673LKgxSDM\0A".charAt(r.nextInt(16));
        tar[h + 156] = t;
        field = "typeflag '" + (char) (t == 0 ? '0' : t) + "'";
      }
      case 3 -> {
        byte[] link = Arrays.copyOf("../../etc/hostname".getBytes(StandardCharsets.US_ASCII), 100);
        System.arraycopy(link, 0, tar, h + 157, 100);
        field = "linkname";
      }
      case 4 -> {
        System.arraycopy("0007777".getBytes(StandardCharsets.US_ASCII), 0, tar, h + 100, 7);
        field = "mode 7777";
      }
      case 5 -> {
        byte[] prefix = Arrays.copyOf("../../../tmp".getBytes(StandardCharsets.US_ASCII), 155);
        System.arraycopy(prefix, 0, tar, h + 345, 155);
        field = "ustar prefix ../../../tmp";
      }
      case 6 -> {
        tar[h + 257 + r.nextInt(8)] ^= 0x20;
        field = "magic";
      }
      default -> {
        int off = h + r.nextInt(512);
        tar[off] = (byte) r.nextInt(256);
        field = "byte " + (off - h);
      }
    }
    boolean fix = r.nextBoolean();
    if (fix) fixChecksum(tar, h);
    return new Mutant(gzip(tar), "tar header at " + h + ": " + field + (fix ? " (checksum fixed)" : ""));
  }

  /** Edits a field of a zip local header, central directory record or end record. */
  static Mutant zipRecord(byte[] in, Random r) {
    List<Integer> sigs = new ArrayList<>();
    for (int i = 0; i + 4 <= in.length; i++) {
      if (in[i] == 'P' && in[i + 1] == 'K' && ((in[i + 2] == 3 && in[i + 3] == 4) || (in[i + 2] == 1 && in[i + 3] == 2)
          || (in[i + 2] == 5 && in[i + 3] == 6))) {
        sigs.add(i);
      }
    }
    if (sigs.isEmpty()) return ByteMutations.any(in, r);
    int s = sigs.get(r.nextInt(sigs.size()));
    byte[] b = in.clone();
    int span = in[s + 2] == 3 ? 30 : in[s + 2] == 1 ? 46 : 22;
    int off = s + 4 + r.nextInt(span - 4);
    if (off >= b.length) return ByteMutations.any(in, r);
    int[] values = {0, 0xff, 0x7f, 0x80, 1, 8, 12, 99};
    b[off] = (byte) (r.nextBoolean() ? values[r.nextInt(values.length)] : b[off] + (r.nextBoolean() ? 1 : -1));
    String kind = in[s + 2] == 3 ? "local header" : in[s + 2] == 1 ? "central record" : "end record";
    return new Mutant(b, "zip " + kind + " at " + s + ": byte +" + (off - s) + " -> " + (b[off] & 0xff));
  }

  /** Rebuilds the archive from edited entries. */
  static Result entries(byte[] in, boolean zip, Random r) {
    List<Entry> entries = read(in, zip);
    String d;
    boolean refuse;
    int i = r.nextInt(entries.size());
    Entry e = entries.get(i);
    switch (r.nextInt(9)) {
      case 0, 1 -> {
        int m = indexOf(entries, MANIFEST);
        Mutant mm = JsonMutations.any(entries.get(m).content(), r);
        entries.set(m, Entry.file(MANIFEST, mm.bytes()));
        d = "manifest: " + mm.description();
        refuse = false;
      }
      case 2 -> {
        String name = NAMES[r.nextInt(NAMES.length)];
        entries.set(i, new Entry(name, e.content(), e.type(), e.link()));
        d = "rename " + e.name() + " to '" + name.replaceAll("\\p{Cntrl}", "?") + "'";
        refuse = !name.equals(e.name());
      }
      case 3 -> {
        entries.remove(i);
        d = "drop " + e.name();
        refuse = true;
      }
      case 4 -> {
        entries.add(r.nextInt(entries.size() + 1), e);
        d = "duplicate " + e.name();
        refuse = true;
      }
      case 5 -> {
        Entry extra = switch (r.nextInt(5)) {
          case 0 -> new Entry("site/link", new byte[0], TarConstants.LF_SYMLINK, "../../etc/hostname");
          case 1 -> new Entry("site/hard", new byte[0], TarConstants.LF_LINK, e.name());
          case 2 -> new Entry("site/newdir/", new byte[0], TarConstants.LF_DIR, null);
          case 3 -> new Entry("site/fifo", new byte[0], TarConstants.LF_FIFO, null);
          default -> Entry.file("site/extra.html", "<p>not in the manifest</p>".getBytes(StandardCharsets.UTF_8));
        };
        entries.add(r.nextInt(entries.size() + 1), extra);
        d = "add " + (char) extra.type() + " entry " + extra.name();
        refuse = extra.type() != TarConstants.LF_DIR;
      }
      case 6 -> {
        byte[] c = e.content().length > 0 && r.nextBoolean() ? ByteMutations.bitFlips(e.content(), r).bytes()
            : r.nextBoolean() ? Arrays.copyOf(e.content(), e.content().length + 1)
            : new byte[(1 + r.nextInt(4)) << 20];
        entries.set(i, new Entry(e.name(), c, e.type(), e.link()));
        d = "change content of " + e.name() + " (" + e.content().length + " -> " + c.length + " bytes)";
        refuse = !Arrays.equals(c, e.content());
      }
      case 7 -> {
        java.util.Collections.shuffle(entries, r);
        d = "shuffle entry order";
        refuse = false;
      }
      default -> {
        int m = indexOf(entries, MANIFEST);
        String text = new String(entries.get(m).content(), StandardCharsets.UTF_8);
        String edited = text.replaceFirst("\"size\" ?: ?(\\d+)", "\"size\" : " + (r.nextBoolean() ? "0" : "99999999999"));
        entries.set(m, Entry.file(MANIFEST, edited.getBytes(StandardCharsets.UTF_8)));
        d = "manifest: first size changed";
        refuse = !edited.equals(text);
      }
    }
    byte[] out = zip ? zip(entries) : gzip(tar(entries));
    return new Result(new Mutant(out, "entries: " + d), refuse);
  }

  private static int indexOf(List<Entry> entries, String name) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).name().equals(name)) return i;
    }
    throw new IllegalStateException("no " + name);
  }

  static List<Entry> read(byte[] archive, boolean zip) {
    List<Entry> out = new ArrayList<>();
    try (InputStream raw = new ByteArrayInputStream(archive);
         ArchiveInputStream<? extends ArchiveEntry> in = zip ? new ZipArchiveInputStream(raw)
             : new TarArchiveInputStream(new GZIPInputStream(raw))) {
      ArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (!e.isDirectory()) out.add(Entry.file(e.getName(), in.readAllBytes()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static byte[] tar(List<Entry> entries) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(b, "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry t = new TarArchiveEntry(e.name().isEmpty() ? "x" : e.name(), e.type(), true);
        if (e.name().isEmpty()) t.setName("");
        if (e.link() != null) t.setLinkName(e.link());
        boolean data = e.type() == TarConstants.LF_NORMAL && !t.isDirectory();
        if (data) t.setSize(e.content().length);
        tar.putArchiveEntry(t);
        if (data) tar.write(e.content());
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static byte[] zip(List<Entry> entries) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(b)) {
      for (Entry e : entries) {
        ZipArchiveEntry z = new ZipArchiveEntry(e.type() == TarConstants.LF_DIR && !e.name().endsWith("/") ? e.name() + "/" : e.name());
        if (e.type() == TarConstants.LF_SYMLINK) z.setUnixMode(0120777);
        else if (e.type() == TarConstants.LF_FIFO) z.setUnixMode(0010644);
        zip.putArchiveEntry(z);
        if (e.type() == TarConstants.LF_SYMLINK) zip.write(e.link().getBytes(StandardCharsets.UTF_8));
        else if ((e.type() == TarConstants.LF_NORMAL || e.type() == TarConstants.LF_LINK) && !z.isDirectory()) {
          zip.write(e.content());
        }
        zip.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] gunzip(byte[] b) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long octal(byte[] b, int off, int len) {
    long v = 0;
    for (int i = off; i < off + len && b[i] != 0 && b[i] != ' '; i++) {
      if (b[i] < '0' || b[i] > '7') return -1;
      v = v * 8 + (b[i] - '0');
    }
    return v;
  }

  private static void fixChecksum(byte[] tar, int h) {
    Arrays.fill(tar, h + 148, h + 156, (byte) ' ');
    long sum = 0;
    for (int i = h; i < h + 512; i++) sum += tar[i] & 0xff;
    byte[] c = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(c, 0, tar, h + 148, 8);
  }
}
