package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab reads every address from the description scripts/cluster writes, in the script's format. */
class ClusterDescriptionTest {
  @TempDir Path runDir;

  /** Two nodes in netns mode, as scripts/cluster start 2 --hosts netns writes them (front door running). */
  static final String NETNS = """
      # The cluster description, written by scripts/cluster start (and add) from its flags.
      hosts = netns
      nodes = 2
      journal.kind = h2
      journal.host = "10.77.0.2"
      journal.port = 9092
      journal.url = "jdbc:h2:tcp://10.77.0.2:9092/timeline;WRITE_DELAY=0"
      seeds = ["10.77.0.11:2551", "10.77.0.12:2552", "10.77.0.13:2553"]
      netns.bridge = "tlb89653br"
      journal.netns = "tlb89653-j"
      node.1.host = "10.77.0.11"
      node.1.artery-port = 2551
      node.1.artery-bind-port = 2651
      node.1.http-port = 8081
      node.1.admin-host = "10.77.0.11"
      node.1.admin-port = 8181
      node.1.netns = "tlb89653-n1"
      node.2.host = "10.77.0.12"
      node.2.artery-port = 2552
      node.2.artery-bind-port = 2652
      node.2.http-port = 8082
      node.2.admin-host = "10.77.0.12"
      node.2.admin-port = 8182
      node.2.netns = "tlb89653-n2"
      front-door = "127.0.0.1:8080"
      """;

  @Test
  void everyAddressComesFromTheFile() throws IOException {
    Files.writeString(runDir.resolve(ClusterDescription.FILE), NETNS);
    ClusterDescription d = ClusterDescription.read(runDir);
    assertEquals("netns", d.hosts());
    assertEquals("jdbc:h2:tcp://10.77.0.2:9092/timeline;WRITE_DELAY=0", d.journalUrl());
    assertEquals("http://10.77.0.12:8082", d.node(2).http());
    assertEquals("http://10.77.0.11:8181", d.node(1).admin());
    assertEquals("http://127.0.0.1:8080", d.frontDoorUrl().orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> d.node(3), "a node the description does not name");
  }

  @Test
  void anArteryAddressNamesItsNodeByHostAndPort() throws IOException {
    Files.writeString(runDir.resolve(ClusterDescription.FILE), NETNS);
    ClusterDescription d = ClusterDescription.read(runDir);
    assertEquals(2, d.nodeOf("akka://timeline@10.77.0.12:2552"));
    assertEquals(1, d.nodeOf("10.77.0.11:2551"));
    // The port alone does not decide: the old rule (port - 2550) would call this node 2.
    assertEquals(0, d.nodeOf("akka://timeline@127.0.0.1:2552"));
  }

  @Test
  void noDescriptionNoAddresses() throws IOException {
    assertTrue(ClusterDescription.find(runDir).isEmpty());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ClusterDescription.read(runDir));
    assertTrue(e.getMessage().contains("scripts/cluster start"), e.getMessage());
    Files.writeString(runDir.resolve(ClusterDescription.FILE), NETNS.replace("node.2.http-port = 8082\n", ""));
    e = assertThrows(IllegalStateException.class, () -> ClusterDescription.read(runDir), "a node without its HTTP port");
    assertTrue(e.getMessage().contains("http-port"), e.getMessage());
  }
}
