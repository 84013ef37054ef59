package org.featureatlas.site.links;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.featureatlas.check.AtlasException;
import org.featureatlas.site.SiteFiles;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Checks that every internal reference of a site resolves to one of its files. Read: every
 * {@code .html} page (href, src, srcset, poster, data, action, xlink:href, meta refresh,
 * {@code <base href>}, inline {@code style} and {@code <style>}) and every {@code .css} file
 * ({@code url(...)}, {@code @import}). A page's URL is the site's base URL plus its path; a reference
 * resolves against it (or its {@code <base>}) like a browser would. References to other schemes
 * (mailto:, data:, javascript:) or other hosts, and pure {@code #fragment}s, are not checked. A
 * reference to a directory needs that directory's {@code index.html}. Query and fragment are ignored.
 */
public final class LinkChecker {
  /** Stands in for the host when the site is checked without a full base URL. */
  private static final String LOCAL = "http://site.invalid";
  private static final Pattern CSS_URL = Pattern.compile("url\\(\\s*(['\"]?)(.*?)\\1\\s*\\)");
  private static final Pattern CSS_IMPORT = Pattern.compile("@import\\s+(['\"])(.*?)\\1");
  private static final Pattern REFRESH = Pattern.compile("(?i)^\\s*\\d+\\s*[;,]\\s*url\\s*=\\s*['\"]?([^'\"]*)['\"]?\\s*$");
  private static final Set<String> URL_ATTRIBUTES = Set.of("href", "src", "poster", "data", "action", "xlink:href");

  private final Set<String> files;
  private final Function<String, byte[]> reader;
  private final URI base;

  private LinkChecker(Set<String> files, Function<String, byte[]> reader, String baseUrl) {
    this.files = files;
    this.reader = reader;
    this.base = baseUri(baseUrl);
  }

  /** Checks a site on disk, published at the root of its host. */
  public static LinkReport check(Path site) {
    return check(site, "/");
  }

  /**
   * Checks a site on disk that will be served at {@code baseUrl}: a path ("/", "/atlas/") or a full
   * URL ("https://user.github.io/atlas/"); absolute links must stay under it.
   */
  public static LinkReport check(Path site, String baseUrl) {
    Set<String> files = new TreeSet<>(SiteFiles.list(site));
    return new LinkChecker(files, path -> {
      try {
        return Files.readAllBytes(site.resolve(path));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, baseUrl).run();
  }

  /** Checks a site held in memory (relative path to bytes), as a renderer produces it. */
  public static LinkReport check(Map<String, byte[]> site, String baseUrl) {
    return new LinkChecker(new TreeSet<>(site.keySet()), site::get, baseUrl).run();
  }

  static URI baseUri(String baseUrl) {
    String b = baseUrl == null || baseUrl.isBlank() ? "/" : baseUrl.trim();
    if (!b.endsWith("/")) {
      b = b + "/";
    }
    if (b.startsWith("/")) {
      b = LOCAL + b;
    }
    try {
      URI uri = new URI(b).normalize();
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new AtlasException("base URL " + baseUrl + " needs a scheme and host, or must be a path starting with /");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new AtlasException("base URL " + baseUrl + " is not a valid URL (" + e.getMessage() + ")");
    }
  }

  private LinkReport run() {
    TreeSet<BrokenLink> broken = new TreeSet<>();
    int documents = 0;
    int checked = 0;
    for (String path : files) {
      String lower = path.toLowerCase(Locale.ROOT);
      boolean html = lower.endsWith(".html") || lower.endsWith(".htm");
      boolean css = lower.endsWith(".css");
      if (!html && !css) {
        continue;
      }
      documents++;
      URI pageUri = base.resolve(encodePath(path));
      String text = new String(reader.apply(path), StandardCharsets.UTF_8);
      URI against = pageUri;
      Set<String> refs = new LinkedHashSet<>();
      if (html) {
        Document doc = Jsoup.parse(text);
        Element baseTag = doc.selectFirst("base[href]");
        if (baseTag != null) {
          String href = baseTag.attr("href").trim();
          try {
            against = pageUri.resolve(new URI(href));
          } catch (URISyntaxException | IllegalArgumentException e) {
            broken.add(new BrokenLink(path, href, "malformed <base href>"));
          }
        }
        collectHtml(doc, refs);
      } else {
        collectCss(text, refs);
      }
      for (String ref : refs) {
        String problem = problem(against, ref);
        if (SKIPPED.equals(problem)) {
          continue;
        }
        checked++;
        if (problem != null) {
          broken.add(new BrokenLink(path, ref, problem));
        }
      }
    }
    return new LinkReport(documents, checked, new ArrayList<>(broken));
  }

  private static void collectHtml(Document doc, Set<String> refs) {
    for (Element e : doc.getAllElements()) {
      if (e.tagName().equals("base")) {
        continue;
      }
      for (Attribute a : e.attributes()) {
        if (URL_ATTRIBUTES.contains(a.getKey().toLowerCase(Locale.ROOT))) {
          refs.add(a.getValue().trim());
        }
      }
    }
    for (Element e : doc.select("[srcset]")) {
      for (String candidate : e.attr("srcset").split(",")) {
        String url = candidate.trim().split("\\s+")[0];
        if (!url.isEmpty()) {
          refs.add(url);
        }
      }
    }
    for (Element e : doc.select("meta[http-equiv]")) {
      if (e.attr("http-equiv").equalsIgnoreCase("refresh")) {
        Matcher m = REFRESH.matcher(e.attr("content"));
        if (m.matches()) {
          refs.add(m.group(1).trim());
        }
      }
    }
    for (Element e : doc.select("[style]")) {
      collectCss(e.attr("style"), refs);
    }
    for (Element e : doc.select("style")) {
      collectCss(e.data(), refs);
    }
  }

  private static void collectCss(String css, Set<String> refs) {
    for (Pattern p : new Pattern[] {CSS_URL, CSS_IMPORT}) {
      Matcher m = p.matcher(css);
      while (m.find()) {
        refs.add(m.group(2).trim());
      }
    }
  }

  /** Marks a reference that is not checked (external, other scheme, fragment only). */
  private static final String SKIPPED = "skipped";

  /** Null when {@code ref} resolves to a file, {@link #SKIPPED} when it is not internal, else why it is broken. */
  private String problem(URI against, String ref) {
    if (ref.isEmpty() || ref.startsWith("#")) {
      return ref.isEmpty() ? null : SKIPPED;
    }
    URI target;
    try {
      target = against.resolve(new URI(ref)).normalize();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return "malformed URL";
    }
    String scheme = target.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      return SKIPPED;
    }
    if (target.getRawAuthority() == null || !target.getRawAuthority().equalsIgnoreCase(base.getRawAuthority())) {
      return SKIPPED;
    }
    String path = target.getPath();
    String root = base.getPath();
    // normalize() keeps ".." segments that climb above the host root.
    if (path == null || !path.startsWith(root) || path.contains("/../") || path.endsWith("/..")) {
      return "outside the site";
    }
    String rel = path.substring(root.length());
    if (rel.isEmpty() || rel.endsWith("/")) {
      rel = rel + "index.html";
    }
    if (files.contains(rel) || files.contains(rel + "/index.html")) {
      return null;
    }
    return "no such file: " + rel;
  }

  /** A site path as a relative URI reference (percent-encoded where needed). */
  private static URI encodePath(String path) {
    try {
      return new URI(null, null, path, null);
    } catch (URISyntaxException e) {
      throw new AtlasException("site file " + path + " has a name that cannot be a URL (" + e.getMessage() + ")");
    }
  }
}
