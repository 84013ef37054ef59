package org.featureatlas.site.preview;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.featureatlas.check.AtlasException;

/** A running preview server. Close it to stop. */
public final class PreviewServer implements AutoCloseable {
  /** The default interface: loopback only, so the preview is not reachable from other machines. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8000;
  /** An IPv4 address written out, or an IPv6 one (host names never hold ':'). */
  private static final Pattern LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|.*:.*");

  private final Server server;
  private final ServerConnector connector;
  private final String host;

  private PreviewServer(Server server, ServerConnector connector, String host) {
    this.server = server;
    this.connector = connector;
    this.host = host;
  }

  /** Starts serving {@code site} on {@code host}:{@code port} (port 0 picks a free port). */
  public static PreviewServer start(LiveSite site, String host, int port, boolean liveReload) {
    return start(site, host, port, liveReload, null);
  }

  /** {@link #start(LiveSite, String, int, boolean)} answering the prompt view's API with {@code prompt} (null: none). */
  public static PreviewServer start(LiveSite site, String host, int port, boolean liveReload, PromptEndpoint prompt) {
    QueuedThreadPool threads = new QueuedThreadPool(32, 4);
    threads.setName("atlas-preview");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new PreviewHandler(site, liveReload, prompt));
    server.setStopTimeout(2000);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // already failing; report the start failure
      }
      throw new AtlasException("cannot serve on " + host + ":" + port + " (" + e.getMessage() + ")", e);
    }
    return new PreviewServer(server, connector, host);
  }

  /** The address the listening socket is bound to. */
  public InetSocketAddress boundAddress() {
    try {
      return (InetSocketAddress) ((ServerSocketChannel) connector.getTransport()).getLocalAddress();
    } catch (IOException e) {
      throw new AtlasException("preview server: cannot read its address (" + e.getMessage() + ")", e);
    }
  }

  /**
   * A one-line warning for stderr when other machines can reach the server: it listens on every
   * interface or on an address other than loopback. Empty when it listens on loopback only.
   */
  public Optional<String> exposureWarning() {
    return exposureWarning(host, boundAddress());
  }

  /**
   * {@link #exposureWarning()} for the {@code --host} text as given and the address the socket is
   * bound to. The host is resolved again to judge it, because a wildcard bind may report itself as
   * the IPv6 wildcard; either one being a wildcard counts as every interface.
   */
  static Optional<String> exposureWarning(String host, InetSocketAddress bound) {
    InetAddress address = bound.getAddress();
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException | SecurityException e) {
      // the server is bound already, so this hardly happens; judge the bound address alone
    }
    boolean everywhere = address.isAnyLocalAddress() || bound.getAddress().isAnyLocalAddress();
    if (!everywhere && address.isLoopbackAddress() && bound.getAddress().isLoopbackAddress()) {
      return Optional.empty();
    }
    String literal = address.getHostAddress();
    boolean named = host != null && !LITERAL.matcher(host).matches() && !host.equalsIgnoreCase(literal);
    String where = (named ? host + " (" + hostText(address) + ")" : hostText(host != null ? host : literal)) + ":"
        + bound.getPort();
    String prefix = "atlas: warning: preview listens on " + where;
    if (everywhere) {
      return Optional.of(prefix + " (all interfaces): anyone who can reach this machine on the network can read "
          + "the site; it has no authentication");
    }
    return Optional.of(prefix + " (one network address, not loopback): anyone who can reach " + literal
        + " on the network can read the site; it has no authentication");
  }

  private static String hostText(InetAddress address) {
    return hostText(address.getHostAddress());
  }

  private static String hostText(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  public int port() {
    return connector.getLocalPort();
  }

  /**
   * The site's root URL, e.g. {@code http://127.0.0.1:8000/}. When the server listens on every
   * interface, the URL names loopback, which is one of them and works on this machine.
   */
  public URI uri() {
    InetSocketAddress address = boundAddress();
    InetAddress host = address.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address.getAddress();
    return URI.create("http://" + hostText(host) + ":" + address.getPort() + "/");
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new AtlasException("preview server: cannot stop (" + e.getMessage() + ")", e);
    }
  }
}
