package dev.timeline.node.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The relay in front of a node's Artery port (--fault-injection), against plain sockets. */
class LinkDelayTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void bytesPassBothWays() throws Exception {
    try (ServerSocket artery = new ServerSocket(0, 50, LOOPBACK)) {
      LinkDelay relay = LinkDelay.start(LOOPBACK.getHostAddress(), 0, artery.getLocalPort());
      try (Socket peer = new Socket(LOOPBACK, relay.port()); Socket behind = artery.accept()) {
        peer.setSoTimeout(5000);
        behind.setSoTimeout(5000);
        peer.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), behind.getInputStream().readNBytes(5));
        behind.getOutputStream().write("back".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("back".getBytes(StandardCharsets.UTF_8), peer.getInputStream().readNBytes(4));
      } finally {
        relay.close();
      }
    }
  }

  /**
   * A node restarting listens on its relay before Artery binds: a peer that connects in between
   * must see its connection end, so that it connects again, not a connection that swallows
   * everything it sends.
   */
  @Test
  void aConnectionArteryCannotTakeIsClosed() throws Exception {
    int nothingThere;
    try (ServerSocket probe = new ServerSocket(0, 50, LOOPBACK)) {
      nothingThere = probe.getLocalPort();
    }
    LinkDelay relay = LinkDelay.start(LOOPBACK.getHostAddress(), 0, nothingThere);
    try (Socket peer = new Socket(LOOPBACK, relay.port())) {
      peer.setSoTimeout(5000);
      try {
        assertEquals(-1, peer.getInputStream().read(), "the relay's side ended");
      } catch (SocketTimeoutException stillOpen) {
        fail("the relay kept the connection open for 5 s with nothing behind it");
      } catch (IOException reset) {
        // also an end: the peer reconnects
      }
    } finally {
      relay.close();
    }
  }
}
