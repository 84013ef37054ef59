package org.featureatlas.site.archive;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.featureatlas.check.AtlasException;
import org.featureatlas.data.Json;
import org.featureatlas.site.archive.ArchiveManifest.FileDigest;

/** Compares what an archive holds with what its manifest says. */
final class ManifestCheck {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private ManifestCheck() {}

  static ArchiveManifest parse(Path archive, byte[] bytes) {
    try {
      ArchiveManifest m = Json.mapper().readValue(bytes, ArchiveManifest.class);
      if (m.formatVersion() != ArchiveManifest.FORMAT_VERSION) {
        throw new AtlasException(archive + ": " + ArchiveManifest.NAME + " has format_version " + m.formatVersion()
            + ", this atlas reads " + ArchiveManifest.FORMAT_VERSION);
      }
      if (m.files() == null) {
        throw new AtlasException(archive + ": " + ArchiveManifest.NAME + " lists no files");
      }
      for (Map.Entry<String, FileDigest> e : m.files().entrySet()) {
        FileDigest d = e.getValue();
        if (d == null || d.size() < 0 || d.sha256() == null || !SHA256.matcher(d.sha256()).matches()) {
          throw new AtlasException(archive + ": " + ArchiveManifest.NAME + " is not valid (file '"
              + e.getKey().replaceAll("\\p{Cntrl}", "?") + "' needs a size of 0 or more and a 64-digit hex sha256)");
        }
      }
      return m;
    } catch (IOException e) {
      throw new AtlasException(archive + ": " + ArchiveManifest.NAME + " is not valid (" + e.getMessage().split("\n")[0] + ")", e);
    }
  }

  /**
   * Every difference, sorted by entry name: files listed but absent, present but not listed, and
   * files whose size or sha256 differ.
   */
  static List<String> problems(ArchiveManifest manifest, SortedMap<String, FileDigest> actual) {
    List<String> problems = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(manifest.files().keySet());
    names.addAll(actual.keySet());
    for (String name : names) {
      FileDigest want = manifest.files().get(name);
      FileDigest got = actual.get(name);
      if (want == null) {
        problems.add(name + ": in the archive but not in the manifest");
      } else if (got == null) {
        problems.add(name + ": in the manifest but missing from the archive");
      } else if (want.size() != got.size()) {
        problems.add(name + ": " + got.size() + " bytes, the manifest says " + want.size());
      } else if (!want.sha256().equals(got.sha256())) {
        problems.add(name + ": sha256 " + abbrev(got.sha256()) + " differs from the manifest's " + abbrev(want.sha256()));
      }
    }
    return problems;
  }

  /** "N problems: a; b; c; and K more" on one line. */
  static String summary(List<String> problems, int shown) {
    StringBuilder sb = new StringBuilder();
    sb.append(problems.size()).append(problems.size() == 1 ? " problem: " : " problems: ");
    for (int i = 0; i < Math.min(shown, problems.size()); i++) {
      sb.append(i == 0 ? "" : "; ").append(problems.get(i));
    }
    if (problems.size() > shown) {
      sb.append("; and ").append(problems.size() - shown).append(" more");
    }
    return sb.toString();
  }

  static SortedMap<String, FileDigest> withoutManifest(Map<String, FileDigest> digests) {
    SortedMap<String, FileDigest> files = new java.util.TreeMap<>(digests);
    files.remove(ArchiveManifest.NAME);
    return files;
  }

  private static String abbrev(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) + "…" : sha;
  }
}
