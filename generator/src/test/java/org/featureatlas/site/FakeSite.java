package org.featureatlas.site;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** A small built site for tests: pages, a 404 page, css, js, json, svg, png, ico and a font. */
public final class FakeSite {
  private FakeSite() {}

  /** Path to bytes, sorted by path. Every internal link and asset resolves. */
  public static Map<String, byte[]> files() {
    Map<String, byte[]> files = new TreeMap<>();
    files.put("index.html", text(page("Feature Atlas", "css/site.css", "js/app.js",
        "<a href=\"features/\">all features</a> <a href=\"features/0.html\">feature 0</a>"
            + " <a href=\"features/1.html#top\">feature 1</a> <a href=\"https://example.org/x\">out</a>"
            + " <a href=\"mailto:a@b.c\">mail</a> <a href=\"#main\">skip</a>"
            + " <img src=\"img/logo.svg\" alt=\"logo\"> <img src=\"img/dot.png\" alt=\"dot\">"
            + filler())));
    files.put("404.html", text(page("Not found", "css/site.css", "js/app.js",
        "<p>NOT-FOUND-PAGE: no such page.</p><a href=\"/index.html\">home</a>")));
    files.put("features/index.html", text(page("Features", "../css/site.css", "../js/app.js",
        "<a href=\"0.html\">0</a> <a href=\"1.html\">1</a> <a href=\"../index.html\">home</a>")));
    for (int i = 0; i < 2; i++) {
      files.put("features/" + i + ".html", text(page("Feature " + i, "../css/site.css", "../js/app.js",
          "<p id=\"top\">feature " + i + "</p><script src=\"../data/" + i + ".json\" type=\"application/json\"></script>"
              + "<a href=\"./\">index</a> <a href=\"../\">home</a>" + filler())));
      files.put("data/" + i + ".json", text("{\"index\": " + i + ", \"max\": 1.5}\n"));
    }
    files.put("css/site.css", text("body { font-family: serif; background: url(\"../img/logo.svg\"); }\n"
        + "@font-face { font-family: a; src: url(../fonts/a.woff2) format('woff2'); }\n" + "/* pad */\n".repeat(40)));
    files.put("js/app.js", text("\"use strict\";\n" + "document.title += \"\";\n".repeat(30)));
    files.put("img/logo.svg", text("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"><rect width=\"4\" height=\"4\"/></svg>\n"));
    files.put("img/dot.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0});
    files.put("favicon.ico", new byte[] {0, 0, 1, 0, 1, 0});
    files.put("fonts/a.woff2", new byte[] {'w', 'O', 'F', '2', 0, 1, 2, 3});
    files.put("robots.txt", text("User-agent: *\n"));
    return files;
  }

  /** Writes {@link #files()} under {@code dir} and returns dir. */
  public static Path write(Path dir) {
    return write(dir, files());
  }

  public static Path write(Path dir, Map<String, byte[]> files) {
    try {
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        Path file = dir.resolve(e.getKey());
        Files.createDirectories(file.getParent());
        Files.write(file, e.getValue());
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every regular file under dir, path to bytes. */
  public static Map<String, byte[]> read(Path dir) {
    Map<String, byte[]> files = new TreeMap<>();
    try (var walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  static String page(String title, String css, String js, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title>"
        + "<link rel=\"stylesheet\" href=\"" + css + "\"><script src=\"" + js + "\" defer></script></head>\n"
        + "<body><main id=\"main\">" + body + "</main></body></html>\n";
  }

  private static String filler() {
    return "<p>" + "activation density and top logits; ".repeat(20) + "</p>";
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
