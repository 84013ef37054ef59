package org.featureatlas.site.preview;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
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

  private final Server server;
  private final ServerConnector connector;

  private PreviewServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /** Starts serving {@code site} on {@code host}:{@code port} (port 0 picks a free port). */
  public static PreviewServer start(LiveSite site, String host, int port, boolean liveReload) {
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
    server.setHandler(new PreviewHandler(site, liveReload));
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
    return new PreviewServer(server, connector);
  }

  /** The address the listening socket is bound to. */
  public InetSocketAddress boundAddress() {
    try {
      return (InetSocketAddress) ((ServerSocketChannel) connector.getTransport()).getLocalAddress();
    } catch (IOException e) {
      throw new AtlasException("preview server: cannot read its address (" + e.getMessage() + ")", e);
    }
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** The site's root URL, e.g. {@code http://127.0.0.1:8000/}. */
  public URI uri() {
    InetSocketAddress address = boundAddress();
    String host = address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + "/");
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
