package org.featureatlas.site.preview;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the files of a {@link LiveSite}: GET and HEAD only, Content-Type from {@link MimeTypes},
 * gzip for text when the client accepts it, the site's {@code 404.html} with status 404, a redirect
 * from {@code dir} to {@code dir/} when {@code dir/index.html} exists, and never a directory listing.
 * Unsafe paths ({@link RequestPath}) get 400; hidden ones (any segment starting with a dot, also
 * when percent-encoded) get the same 404 as a missing file. With live reload on, HTML pages get one
 * {@code <script src="/__atlas/reload.js?v=N">} tag, and {@code /__atlas/version} answers the
 * current site version.
 */
public final class PreviewHandler extends Handler.Abstract {
  public static final String VERSION_PATH = "/__atlas/version";
  public static final String RELOAD_SCRIPT_PATH = "/__atlas/reload.js";
  /** Bodies smaller than this are sent as they are: gzip would not save a packet. */
  static final int GZIP_MIN_BYTES = 256;

  private final LiveSite site;
  private final boolean liveReload;
  private final byte[] reloadScript;
  private final PromptEndpoint prompt;

  public PreviewHandler(LiveSite site, boolean liveReload) {
    this(site, liveReload, null);
  }

  /** {@code prompt}: the prompt view's API at {@link PromptEndpoint#PATH}, or null (that path is then a 404). */
  public PreviewHandler(LiveSite site, boolean liveReload, PromptEndpoint prompt) {
    this.site = site;
    this.liveReload = liveReload;
    this.reloadScript = resource("reload.js");
    this.prompt = prompt;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    if (prompt != null && PromptEndpoint.PATH.equals(request.getHttpURI().getPath())) {
      handlePrompt(request, response, callback, method);
      return true;
    }
    boolean head = "HEAD".equals(method);
    if (!head && !"GET".equals(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      sendText(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "405 method not allowed\n");
      return true;
    }
    String raw = request.getHttpURI().getPath();
    if (liveReload && VERSION_PATH.equals(raw)) {
      send(request, response, callback, HttpStatus.OK_200, "text/plain; charset=utf-8",
          (site.version() + "\n").getBytes(StandardCharsets.UTF_8), "no-store");
      return true;
    }
    if (liveReload && RELOAD_SCRIPT_PATH.equals(raw)) {
      send(request, response, callback, HttpStatus.OK_200, MimeTypes.of(raw), reloadScript, "no-cache");
      return true;
    }
    if (RequestPath.hidden(raw)) {
      notFound(request, response, callback, site.source(), site.version());
      return true;
    }
    Optional<RequestPath> path = RequestPath.parse(raw);
    if (path.isEmpty()) {
      sendText(request, response, callback, HttpStatus.BAD_REQUEST_400, "400 bad request path\n");
      return true;
    }
    SiteSource source = site.source();
    long version = site.version();
    Optional<byte[]> body = source.read(path.get().file());
    if (body.isEmpty() && !path.get().directory() && source.read(path.get().file() + "/index.html").isPresent()) {
      String query = request.getHttpURI().getQuery();
      response.getHeaders().put(HttpHeader.LOCATION, raw + "/" + (query == null ? "" : "?" + query));
      sendText(request, response, callback, HttpStatus.MOVED_PERMANENTLY_301, "301 moved to " + raw + "/\n");
      return true;
    }
    if (body.isEmpty()) {
      notFound(request, response, callback, source, version);
      return true;
    }
    sendPage(request, response, callback, HttpStatus.OK_200, MimeTypes.of(path.get().file()), body.get(), version);
    return true;
  }

  /**
   * The prompt view's API: GET and HEAD get {@link PromptEndpoint#info}, POST a JSON body of at most
   * {@link PromptEndpoint#maxBodyBytes} bytes (a larger one gets 413 unread), anything else 405.
   */
  private void handlePrompt(Request request, Response response, Callback callback, String method) {
    PromptEndpoint.Answer answer;
    if ("GET".equals(method) || "HEAD".equals(method)) {
      answer = prompt.info();
    } else if ("POST".equals(method)) {
      long declared = request.getLength();
      if (declared > prompt.maxBodyBytes()) {
        answer = prompt.answer(new byte[prompt.maxBodyBytes() + 1]);
      } else {
        try (InputStream in = org.eclipse.jetty.io.Content.Source.asInputStream(request)) {
          answer = prompt.answer(in.readNBytes(prompt.maxBodyBytes() + 1));
        } catch (IOException e) {
          sendText(request, response, callback, HttpStatus.BAD_REQUEST_400, "400 the request body could not be read\n");
          return;
        }
      }
    } else {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, POST");
      sendText(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "405 method not allowed\n");
      return;
    }
    send(request, response, callback, answer.status(), "application/json; charset=utf-8", answer.json(), "no-store");
  }

  /** The site's {@code 404.html} with status 404, or a plain-text 404 when the site has none. */
  private void notFound(Request request, Response response, Callback callback, SiteSource source, long version) {
    Optional<byte[]> page = source.read("404.html");
    if (page.isEmpty()) {
      sendText(request, response, callback, HttpStatus.NOT_FOUND_404, "404 not found\n");
    } else {
      sendPage(request, response, callback, HttpStatus.NOT_FOUND_404, MimeTypes.of("404.html"), page.get(), version);
    }
  }

  private void sendPage(Request request, Response response, Callback callback, int status, String type, byte[] body,
      long version) {
    byte[] bytes = liveReload && type.startsWith("text/html") ? withReloadScript(body, version) : body;
    send(request, response, callback, status, type, bytes, "no-cache");
  }

  private void sendText(Request request, Response response, Callback callback, int status, String text) {
    send(request, response, callback, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), "no-store");
  }

  private static void send(Request request, Response response, Callback callback, int status, String type,
      byte[] bytes, String cacheControl) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, cacheControl);
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    byte[] out = bytes;
    if (MimeTypes.compressible(type)) {
      response.getHeaders().put(HttpHeader.VARY, "Accept-Encoding");
      if (bytes.length >= GZIP_MIN_BYTES && acceptsGzip(request.getHeaders().get(HttpHeader.ACCEPT_ENCODING))) {
        out = gzip(bytes);
        response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
      }
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, out.length);
    boolean head = "HEAD".equals(request.getMethod());
    response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(out), callback);
  }

  /** Inserts the reload script tag before the last {@code </body>}, or at the end without one. */
  static byte[] withReloadScript(byte[] html, long version) {
    String text = new String(html, StandardCharsets.UTF_8);
    String tag = "<script src=\"" + RELOAD_SCRIPT_PATH + "?v=" + version + "\" defer></script>";
    int at = text.toLowerCase(Locale.ROOT).lastIndexOf("</body>");
    String result = at < 0 ? text + tag : text.substring(0, at) + tag + text.substring(at);
    return result.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether an Accept-Encoding header allows gzip: "gzip"/"x-gzip" or "*" with a non-zero q. */
  static boolean acceptsGzip(String header) {
    if (header == null) {
      return false;
    }
    Boolean gzip = null;
    boolean star = false;
    for (String part : header.split(",")) {
      String[] bits = part.split(";");
      String token = bits[0].trim().toLowerCase(Locale.ROOT);
      double q = 1.0;
      for (int i = 1; i < bits.length; i++) {
        String param = bits[i].trim().toLowerCase(Locale.ROOT);
        if (param.startsWith("q=")) {
          try {
            q = Double.parseDouble(param.substring(2).trim());
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (token.equals("gzip") || token.equals("x-gzip")) {
        gzip = q > 0;
      } else if (token.equals("*")) {
        star = q > 0;
      }
    }
    return gzip != null ? gzip : star;
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream out = new GZIPOutputStream(buffer)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  private static byte[] resource(String name) {
    try (InputStream in = PreviewHandler.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
