package dev.timeline.node.lab;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP relay on this node's advertised Artery port that forwards to the port Artery really binds,
 * holding every byte sent to this node for a settable delay: a slow network link without a
 * bandwidth cap, and without root or {@code tc netem}. Peers open their own connections to send
 * to this node, so the delay applies to every message this node receives; bytes this node sends
 * back on those connections pass at once. Only started with {@code --fault-injection}.
 */
public final class LinkDelay {
  private static final Logger log = LoggerFactory.getLogger(LinkDelay.class);

  private final ServerSocket server;
  private final InetAddress host;
  private final int targetPort;
  private final AtomicLong delayNanos = new AtomicLong();

  private LinkDelay(ServerSocket server, InetAddress host, int targetPort) {
    this.server = server;
    this.host = host;
    this.targetPort = targetPort;
  }

  /** Listens on {@code host:port} and relays to {@code host:targetPort}, with no delay yet. */
  public static LinkDelay start(String host, int port, int targetPort) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    LinkDelay relay = new LinkDelay(new ServerSocket(port, 50, address), address, targetPort);
    daemon("link-delay-accept", relay::acceptLoop);
    return relay;
  }

  void setDelay(Duration delay) {
    delayNanos.set(delay.toNanos());
    log.warn("messages to this node are now delayed by {} ms", delay.toMillis());
  }

  Duration delay() {
    return Duration.ofNanos(delayNanos.get());
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket peer;
      try {
        peer = server.accept();
      } catch (IOException e) {
        log.debug("relay accept failed", e);
        continue;
      }
      try {
        Socket artery = new Socket(host, targetPort);
        peer.setTcpNoDelay(true);
        artery.setTcpNoDelay(true);
        relay(peer, artery);
      } catch (IOException e) {
        // Artery is not bound yet (the relay listens first) or has stopped. Left open, the peer's
        // connection would lead nowhere: its bytes accepted, never delivered, and no error for it
        // to reconnect on (a restarted node never completed a handshake: NetnsClusterIT).
        log.debug("relay to Artery's port {} failed: closing the peer's connection", targetPort, e);
        closeQuietly(peer);
      }
    }
  }

  /** The port this relay listens on. */
  int port() {
    return server.getLocalPort();
  }

  void close() {
    closeQuietly(server);
  }

  private void relay(Socket peer, Socket artery) throws IOException {
    record Chunk(long dueNanos, byte[] bytes) {}
    BlockingQueue<Chunk> held = new LinkedBlockingQueue<>();
    InputStream fromPeer = peer.getInputStream();
    OutputStream toArtery = artery.getOutputStream();
    daemon("link-delay-in", () -> {
      byte[] buffer = new byte[64 * 1024];
      try {
        for (int n; (n = fromPeer.read(buffer)) >= 0; )
          held.put(new Chunk(System.nanoTime() + delayNanos.get(), Arrays.copyOf(buffer, n)));
      } catch (IOException | InterruptedException e) {
        // the connection ended
      }
      held.add(new Chunk(0, null));
    });
    daemon("link-delay-out", () -> {
      try {
        for (Chunk chunk; (chunk = held.take()).bytes() != null; ) {
          for (long wait; (wait = chunk.dueNanos() - System.nanoTime()) > 0; ) LockSupport.parkNanos(wait);
          toArtery.write(chunk.bytes());
        }
      } catch (IOException | InterruptedException e) {
        // the connection ended
      }
      closeQuietly(peer, artery);
    });
    daemon("link-delay-back", () -> {
      try {
        artery.getInputStream().transferTo(peer.getOutputStream());
      } catch (IOException e) {
        // the connection ended
      }
      closeQuietly(peer, artery);
    });
  }

  private static void closeQuietly(Closeable... sockets) {
    for (Closeable s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }
}
