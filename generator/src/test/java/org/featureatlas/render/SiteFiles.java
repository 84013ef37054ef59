package org.featureatlas.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test helpers to read a rendered site: render to memory, pull text, attributes and elements out. */
final class SiteFiles {
  private static final Pattern LINK = Pattern.compile("\\s(?:href|src)=\"([^\"]*)\"");

  private SiteFiles() {}

  static SortedMap<String, byte[]> render(RenderOptions opts, int threads) {
    MemorySink sink = new MemorySink();
    SiteRenderer.render(opts, sink, threads, false);
    return sink.files();
  }

  static String text(SortedMap<String, byte[]> site, String path) {
    byte[] b = site.get(path);
    if (b == null) {
      throw new AssertionError("site has no " + path);
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  static List<String> links(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = LINK.matcher(html);
    while (m.find()) {
      out.add(unescape(m.group(1)));
    }
    return out;
  }

  static List<String> all(Pattern p, String html, int group) {
    List<String> out = new ArrayList<>();
    Matcher m = p.matcher(html);
    while (m.find()) {
      out.add(m.group(group));
    }
    return out;
  }

  /** Decodes the character references Pebble's HTML escaping writes. */
  static String unescape(String s) {
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
        .replace("&#x27;", "'").replace("&amp;", "&");
  }

  /** Resolves a relative link from page {@code from} to a site path (dropping ?query and #fragment). */
  static String resolve(String from, String link) {
    String l = link.replaceAll("[?#].*$", "");
    String dir = from.contains("/") ? from.substring(0, from.lastIndexOf('/') + 1) : "";
    String joined = dir + l;
    List<String> parts = new ArrayList<>();
    for (String seg : joined.split("/")) {
      if (seg.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.remove(parts.size() - 1);
      } else if (!seg.isEmpty() && !seg.equals(".")) {
        parts.add(seg);
      }
    }
    return String.join("/", parts);
  }

  /** An independent statement of the display rule, enough for the fixture's strings. */
  static String visibleReference(String raw) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\n') {
        b.append('↵');
      } else if (c == '\t') {
        b.append('⇥');
      } else if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == '\u202E' || c == '\u200F') {
        b.append(String.format("⟨U+%04X⟩", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.length() == 0 ? "∅" : b.toString();
  }
}
