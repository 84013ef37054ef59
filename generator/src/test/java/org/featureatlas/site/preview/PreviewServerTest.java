package org.featureatlas.site.preview;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.featureatlas.site.FakeSite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewServerTest {
  /** Expected media types, written out independently of MimeTypes' table. */
  private static final Map<String, String> EXPECTED = Map.of(
      "html", "text/html", "css", "text/css", "js", "text/javascript", "json", "application/json",
      "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon", "woff2", "font/woff2",
      "txt", "text/plain");
  private static final String SECRET = "TOP-SECRET-OUTSIDE-THE-SITE";

  @TempDir
  Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();
  private PreviewServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Path site() throws IOException {
    Path site = FakeSite.write(Files.createDirectories(tmp.resolve("www/site")));
    Files.writeString(tmp.resolve("www/secret.txt"), SECRET);
    return site;
  }

  private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void servesEveryFileWithItsTypeAndBytes() throws Exception {
    Path site = site();
    server = PreviewServer.start(new LiveSite(new DirectorySource(site)), "127.0.0.1", 0, false);
    Map<String, byte[]> files = FakeSite.files();
    assertTrue(files.keySet().containsAll(List.of("index.html", "404.html", "css/site.css", "js/app.js",
        "data/0.json", "img/logo.svg", "img/dot.png")));
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      HttpResponse<byte[]> r = get("/" + e.getKey());
      assertEquals(200, r.statusCode(), e.getKey());
      String ext = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
      String type = r.headers().firstValue("Content-Type").orElseThrow();
      assertEquals(EXPECTED.get(ext), type.split(";")[0].trim(), e.getKey());
      assertArrayEquals(e.getValue(), r.body(), e.getKey());
      assertEquals(Optional.empty(), r.headers().firstValue("Content-Encoding"), e.getKey());
    }
    assertTrue(get("/index.html").headers().firstValue("Content-Type").orElseThrow().contains("charset=utf-8"));
  }

  @Test
  void gzipsTextWhenAcceptedAndOnlyThen() throws Exception {
    server = PreviewServer.start(new LiveSite(new DirectorySource(site())), "127.0.0.1", 0, false);
    byte[] index = FakeSite.files().get("index.html");
    HttpResponse<byte[]> gz = get("/index.html", "Accept-Encoding", "gzip, deflate");
    assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(null));
    assertTrue(gz.body().length < index.length, "compressed " + gz.body().length + " vs " + index.length);
    assertArrayEquals(index, gunzip(gz.body()));
    assertEquals("Accept-Encoding", gz.headers().firstValue("Vary").orElse(null));

    HttpResponse<byte[]> refused = get("/index.html", "Accept-Encoding", "gzip;q=0, identity");
    assertNull(refused.headers().firstValue("Content-Encoding").orElse(null));
    assertArrayEquals(index, refused.body());

    HttpResponse<byte[]> png = get("/img/dot.png", "Accept-Encoding", "gzip");
    assertNull(png.headers().firstValue("Content-Encoding").orElse(null));
    assertArrayEquals(FakeSite.files().get("img/dot.png"), png.body());

    HttpResponse<byte[]> css = get("/css/site.css", "Accept-Encoding", "gzip");
    assertEquals("gzip", css.headers().firstValue("Content-Encoding").orElse(null));
    assertArrayEquals(FakeSite.files().get("css/site.css"), gunzip(css.body()));
  }

  @Test
  void missingFilesGetTheSitesNotFoundPageAndDirectoriesAreNeverListed() throws Exception {
    server = PreviewServer.start(new LiveSite(new DirectorySource(site())), "127.0.0.1", 0, false);
    HttpResponse<byte[]> missing = get("/features/99.html");
    assertEquals(404, missing.statusCode());
    assertArrayEquals(FakeSite.files().get("404.html"), missing.body());
    assertTrue(missing.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));

    HttpResponse<byte[]> dirWithIndex = get("/features/");
    assertEquals(200, dirWithIndex.statusCode());
    assertArrayEquals(FakeSite.files().get("features/index.html"), dirWithIndex.body());

    HttpResponse<byte[]> noSlash = get("/features");
    assertEquals(301, noSlash.statusCode());
    assertEquals("/features/", noSlash.headers().firstValue("Location").orElse(null));

    for (String dir : new String[] {"/img/", "/img", "/css/", "/data"}) {
      HttpResponse<byte[]> r = get(dir);
      assertEquals(404, r.statusCode(), dir);
      assertArrayEquals(FakeSite.files().get("404.html"), r.body(), dir + " must get the 404 page, not a listing");
    }
  }

  @Test
  void withoutA404PageMissingFilesGetPlain404() throws Exception {
    Path site = site();
    Files.delete(site.resolve("404.html"));
    server = PreviewServer.start(new LiveSite(new DirectorySource(site)), "127.0.0.1", 0, false);
    HttpResponse<byte[]> r = get("/nope");
    assertEquals(404, r.statusCode());
    assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("404"));
  }

  @Test
  void traversalAttemptsGet400Or404AndNeverLeak() throws Exception {
    server = PreviewServer.start(new LiveSite(new DirectorySource(site())), "127.0.0.1", 0, false);
    String[] attacks = {
        "/../secret.txt", "/features/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
        "/.%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt", "/features/..%2f..%2fsecret.txt",
        "/..%5csecret.txt", "/..\\secret.txt", "/%252e%252e/secret.txt", "/%00", "/index.html%00.txt",
        "//secret.txt", "/./../secret.txt", "/features/%2e%2e/%2e%2e/secret.txt", "/%c0%ae%c0%ae/secret.txt"};
    for (String attack : attacks) {
      RawResponse r = raw(attack);
      assertTrue(r.status == 400 || r.status == 404, attack + " -> " + r.status);
      assertFalse(r.text.contains(SECRET), attack + " leaked the secret");
    }
  }

  @Test
  void dotfilesAndDotDirectoriesAre404EvenWhenEncodedOrLinked() throws Exception {
    Path site = site();
    String hiddenText = "HIDDEN-DOTFILE-CONTENT";
    Map<String, String> dotfiles = Map.of(
        ".git/config", "[remote \"origin\"] " + hiddenText, ".env", "TOKEN=" + hiddenText,
        "a/.hidden/x.html", hiddenText, ".well-known/security.txt", hiddenText, ".nojekyll", hiddenText,
        "features/.secret.json", hiddenText, ".git/index.html", hiddenText);
    for (Map.Entry<String, String> e : dotfiles.entrySet()) {
      Files.createDirectories(site.resolve(e.getKey()).getParent());
      Files.writeString(site.resolve(e.getKey()), e.getValue());
    }
    // Plain names that lead into hidden places through a link inside the site.
    Files.createSymbolicLink(site.resolve("git"), site.resolve(".git"));
    Files.createSymbolicLink(site.resolve("env.txt"), site.resolve(".env"));
    server = PreviewServer.start(new LiveSite(new DirectorySource(site)), "127.0.0.1", 0, false);
    String[] requests = {
        "/.git/config", "/.env", "/a/.hidden/x.html", "/.well-known/security.txt", "/.nojekyll",
        "/features/.secret.json", "/.git/", "/.git", "/%2egit/config", "/%2Eenv", "/a/%2ehidden/x.html",
        "/git/config", "/git/", "/env.txt", "/.git/config?x=1"};
    for (String request : requests) {
      RawResponse r = raw(request);
      assertEquals(404, r.status, request);
      assertFalse(r.text.contains(hiddenText), request + " leaked a hidden file");
      assertTrue(r.text.contains("NOT-FOUND-PAGE"), request + " must get the site's 404 page like a missing file");
    }
    // Jetty itself answers 400 to an encoded slash before the site is asked: refused all the same.
    RawResponse slash = raw("/.git%2fconfig");
    assertTrue(slash.status == 400 || slash.status == 404, "/.git%2fconfig -> " + slash.status);
    assertFalse(slash.text.contains(hiddenText));
    // Names that merely contain a dot are served as before.
    assertEquals(200, get("/index.html").statusCode());
    assertEquals(200, get("/robots.txt").statusCode());
  }

  @Test
  void hiddenPathsAre404FromAMemorySiteToo() throws Exception {
    Map<String, byte[]> files = new TreeMap<>(FakeSite.files());
    files.put(".env", "SECRET=1".getBytes(StandardCharsets.UTF_8));
    files.put(".well-known/x", "SECRET=2".getBytes(StandardCharsets.UTF_8));
    server = PreviewServer.start(new LiveSite(new MemorySource(files)), "127.0.0.1", 0, true);
    for (String request : new String[] {"/.env", "/%2eenv", "/.well-known/x"}) {
      RawResponse r = raw(request);
      assertEquals(404, r.status, request);
      assertFalse(r.text.contains("SECRET="), request);
      assertTrue(r.text.contains("NOT-FOUND-PAGE"), request);
    }
  }

  @Test
  void listeningOnEveryInterfacePrintsAWarningThatNamesTheAddress() throws Exception {
    server = PreviewServer.start(new LiveSite(new DirectorySource(site())), "0.0.0.0", 0, false);
    String warning = server.exposureWarning().orElseThrow(() -> new AssertionError("no warning for 0.0.0.0"));
    assertTrue(warning.startsWith("atlas: warning: preview listens on 0.0.0.0:" + server.port() + " (all interfaces)"),
        warning);
    assertTrue(warning.contains("anyone who can reach this machine on the network can read the site"), warning);
    assertFalse(warning.contains("\n"), warning);
    // The URL to open names loopback, and test traffic goes only there: the wildcard socket answers on it too.
    assertEquals(URI.create("http://127.0.0.1:" + server.port() + "/"), server.uri());
    assertEquals(200, get("/index.html").statusCode());
    assertEquals(200, raw("/index.html").status);
  }

  @Test
  void loopbackHostsPrintNoWarning() throws Exception {
    Path site = site();
    for (String host : new String[] {"127.0.0.1", "localhost", "::1"}) {
      PreviewServer s;
      try {
        s = PreviewServer.start(new LiveSite(new DirectorySource(site)), host, 0, false);
      } catch (org.featureatlas.check.AtlasException e) {
        // No IPv6 on this machine: judge the address without binding it.
        assertEquals("::1", host, e.getMessage());
        assertEquals(Optional.empty(), PreviewServer.exposureWarning(host,
            new InetSocketAddress(InetAddress.getByName(host), 8000)));
        continue;
      }
      try (s) {
        assertTrue(s.boundAddress().getAddress().isLoopbackAddress(), host + " -> " + s.boundAddress());
        assertEquals(Optional.empty(), s.exposureWarning(), host);
      }
    }
  }

  @Test
  void warningSaysWhoCanReachTheServer() throws Exception {
    InetSocketAddress any4 = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 8000);
    InetSocketAddress any6 = new InetSocketAddress(InetAddress.getByName("::"), 8000);
    // A wildcard bind may report itself as either wildcard; the warning names what was asked for.
    for (InetSocketAddress bound : List.of(any4, any6)) {
      assertEquals(Optional.of("atlas: warning: preview listens on 0.0.0.0:8000 (all interfaces): anyone who can "
          + "reach this machine on the network can read the site; it has no authentication"),
          PreviewServer.exposureWarning("0.0.0.0", bound));
    }
    assertTrue(PreviewServer.exposureWarning("::", any6).orElseThrow().contains(" on [::]:8000 (all interfaces)"));
    InetSocketAddress lanBound = new InetSocketAddress(InetAddress.getByName("192.168.1.20"), 9000);
    String lan = PreviewServer.exposureWarning("192.168.1.20", lanBound).orElseThrow();
    assertTrue(lan.startsWith("atlas: warning: preview listens on 192.168.1.20:9000 (one network address, not "
        + "loopback)"), lan);
    assertTrue(lan.contains("anyone who can reach 192.168.1.20 on the network can read the site"), lan);
    String v6 = PreviewServer.exposureWarning("fd00::5", new InetSocketAddress(InetAddress.getByName("fd00::5"), 80))
        .orElseThrow();
    assertTrue(v6.contains(" on [fd00::5]:80 (one network address"), v6);
    for (String loopback : new String[] {"127.0.0.1", "127.0.0.2", "::1", "localhost"}) {
      InetSocketAddress bound = new InetSocketAddress(InetAddress.getByName(loopback), 8000);
      assertEquals(Optional.empty(), PreviewServer.exposureWarning(loopback, bound), loopback);
    }
  }

  @Test
  void symlinksLeadingOutOfTheSiteAreNotFollowed() throws Exception {
    Path site = site();
    Files.createSymbolicLink(site.resolve("leak.txt"), tmp.resolve("www/secret.txt"));
    Files.createSymbolicLink(site.resolve("up"), tmp.resolve("www"));
    Files.createSymbolicLink(site.resolve("inside.txt"), site.resolve("robots.txt"));
    server = PreviewServer.start(new LiveSite(new DirectorySource(site)), "127.0.0.1", 0, false);
    for (String path : new String[] {"/leak.txt", "/up/secret.txt"}) {
      HttpResponse<byte[]> r = get(path);
      assertEquals(404, r.statusCode(), path);
      assertFalse(new String(r.body(), StandardCharsets.UTF_8).contains(SECRET), path);
    }
    HttpResponse<byte[]> inside = get("/inside.txt");
    assertEquals(200, inside.statusCode());
    assertArrayEquals(FakeSite.files().get("robots.txt"), inside.body());
  }

  @Test
  void headHasNoBodyAndOtherMethodsAreRefused() throws Exception {
    server = PreviewServer.start(new LiveSite(new DirectorySource(site())), "127.0.0.1", 0, false);
    HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(server.uri().resolve("/index.html"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, head.statusCode());
    assertEquals(0, head.body().length);
    assertEquals(String.valueOf(FakeSite.files().get("index.html").length),
        head.headers().firstValue("Content-Length").orElse(null));
    HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(server.uri().resolve("/index.html"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(405, post.statusCode());
  }

  @Test
  void defaultHostIsLoopbackOnly() throws Exception {
    server = PreviewServer.start(new LiveSite(new DirectorySource(site())), PreviewServer.DEFAULT_HOST, 0, false);
    InetSocketAddress bound = server.boundAddress();
    assertTrue(bound.getAddress().isLoopbackAddress(), "bound to " + bound);
    assertEquals("127.0.0.1", bound.getAddress().getHostAddress());
    assertEquals(200, get("/").statusCode());
    // Every non-loopback address of this machine must refuse the connection.
    int tried = 0;
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress address : Collections.list(nif.getInetAddresses())) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
          continue;
        }
        tried++;
        try (Socket s = new Socket()) {
          assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(address, bound.getPort()), 2000),
              "reachable on " + address);
        }
      }
    }
    System.out.println("loopback test: checked " + tried + " non-loopback addresses");
  }

  @Test
  void memorySiteIsServedAndTemplateEditsReRenderAndBumpTheVersion() throws Exception {
    Path templates = Files.createDirectories(tmp.resolve("templates/pages"));
    Path statics = Files.createDirectories(tmp.resolve("static"));
    Path notes = Files.createDirectories(tmp.resolve("notes"));
    Files.writeString(templates.resolve("page.txt"), "first");
    AtomicInteger renders = new AtomicInteger();
    // A fake templating stage: the page body is the template text, plus the notes file if any.
    LiveSite live = new LiveSite(new MemorySource(Map.of()));
    LiveRender render = new LiveRender(() -> {
      renders.incrementAndGet();
      try {
        Map<String, byte[]> out = new TreeMap<>(FakeSite.files());
        String body = Files.readString(templates.resolve("page.txt"));
        Path note = notes.resolve("n.md");
        if (Files.exists(note)) {
          body += " / " + Files.readString(note);
        }
        out.put("index.html", ("<!DOCTYPE html><html><head><title>t</title></head><body><p>" + body
            + "</p></body></html>").getBytes(StandardCharsets.UTF_8));
        return out;
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }, live);
    assertTrue(render.renderNow());
    assertEquals(1, live.version());
    try (ChangeWatcher watcher = ChangeWatcher.start(List.of(tmp.resolve("templates"), statics, notes), 100, render)) {
      server = PreviewServer.start(live, "127.0.0.1", 0, true);
      String page = new String(get("/").body(), StandardCharsets.UTF_8);
      assertTrue(page.contains("<p>first</p>"), page);
      assertTrue(page.contains("<script src=\"/__atlas/reload.js?v=1\" defer></script></body>"), page);
      assertEquals("1", new String(get("/__atlas/version").body(), StandardCharsets.UTF_8).trim());
      HttpResponse<byte[]> script = get("/__atlas/reload.js");
      assertEquals(200, script.statusCode());
      assertTrue(script.headers().firstValue("Content-Type").orElseThrow().startsWith("text/javascript"));
      assertTrue(new String(script.body(), StandardCharsets.UTF_8).contains("/__atlas/version"));
      // Non-HTML files are untouched.
      assertArrayEquals(FakeSite.files().get("js/app.js"), get("/js/app.js").body());

      Files.writeString(templates.resolve("page.txt"), "second");
      waitForVersion(2);
      page = new String(get("/").body(), StandardCharsets.UTF_8);
      assertTrue(page.contains("<p>second</p>"), page);
      assertTrue(page.contains("reload.js?v=2"), page);

      Files.writeString(notes.resolve("n.md"), "a note");
      waitForVersion(3);
      assertTrue(new String(get("/").body(), StandardCharsets.UTF_8).contains("<p>second / a note</p>"));
      assertEquals(3, renders.get());
    }
  }

  @Test
  void failedReRenderKeepsThePreviousSite() throws Exception {
    LiveSite live = new LiveSite(new MemorySource(FakeSite.files()));
    LiveRender broken = new LiveRender(() -> {
      throw new IllegalStateException("template syntax error at line 3");
    }, live);
    assertFalse(broken.renderNow());
    assertEquals(0, live.version());
    server = PreviewServer.start(live, "127.0.0.1", 0, false);
    assertArrayEquals(FakeSite.files().get("index.html"), get("/").body());
  }

  private void waitForVersion(long version) throws Exception {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (System.nanoTime() < deadline) {
      String v = new String(get("/__atlas/version").body(), StandardCharsets.UTF_8).trim();
      if (Long.parseLong(v) >= version) {
        assertEquals(version, Long.parseLong(v));
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("site version never reached " + version);
  }

  private record RawResponse(int status, String text) {}

  /** Sends the request line exactly as given: no client-side normalisation of the path. */
  private RawResponse raw(String path) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      String[] statusLine = text.split("\r\n", 2)[0].split(" ");
      return new RawResponse(Integer.parseInt(statusLine[1]), text);
    }
  }

  private static byte[] gunzip(byte[] bytes) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }
}
