package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/cluster start 3 --hosts netns}: each node and the journal in a network namespace
 * of its own, on a bridge the script makes. The crash experiment runs there (load, SIGKILL of a
 * node, its users served again by the survivors, no acknowledged tweet lost), then a partition is
 * shown to drop packets between the namespaces: the cut node's HTTP port is unreachable from the
 * other nodes' namespaces while it runs, its journal connections fail, Akka sees it unreachable.
 * {@code stop all} leaves no namespace and no bridge. Skipped where namespaces cannot be made.
 */
@org.junit.jupiter.api.extension.ExtendWith(NodeLogsOnFailure.class)
class NetnsClusterIT {
  private static final int VICTIM = 2;

  @Test
  void aCrashAndAPartitionBetweenNetworkNamespaces() throws Exception {
    assumeNamespacesCanBeMade();
    List<String> namespaces = new ArrayList<>();
    String bridge;
    try (ClusterScript cluster = new ClusterScript("netns")) {
      String started = cluster.run("start", "3", "--hosts", "netns");
      assertTrue(started.contains("each in its network namespace"), started);
      Config d = cluster.description();
      bridge = d.getString("netns.bridge");
      namespaces.add(d.getString("journal.netns"));
      for (int i = 1; i <= 3; i++) {
        namespaces.add(ns(d, i));
        assertNotEquals("127.0.0.1", d.getString("node." + i + ".host"), "node " + i + " has its namespace's address");
        assertEquals("", inNamespace(ns(d, i), "ip", "route", "show", "default").output().strip(), "a default route in " + ns(d, i));
      }
      assertEquals(0, Api.call("http://127.0.0.1:" + d.getInt("node." + VICTIM + ".http-port"), "GET", "/health", null,
          Duration.ofSeconds(2)).status(), "node " + VICTIM + " answers on 127.0.0.1 (its port on loopback), not only on its namespace's address");

      // Api reaches every node at its namespace's address: ClusterScript routes it by the description.
      crashOneNode(cluster, d);
      partitionOneNode(cluster, d);
      // Restarts reuse a node's namespace: remade, it would have cost whatever ran in it.
      List<String> made = java.nio.file.Files.readAllLines(cluster.runDir.resolve("netns.made"));
      assertEquals(made.size(), new java.util.HashSet<>(made).size(), "something made twice: " + made);
    }
    // Also after a failure above: close() ran stop all, which removes what the script made.
    String left = run(List.of("ip", "netns", "list")).output();
    for (String ns : namespaces) assertFalse(left.lines().anyMatch(l -> l.startsWith(ns + " ") || l.equals(ns)), ns + " is left: " + left);
    assertNotEquals(0, run(List.of("ip", "link", "show", bridge)).exit(), "the bridge " + bridge + " is left");
  }

  /** Load from three posting threads, SIGKILL of node 2, its users answer again through node 1, every acknowledged tweet delivered. */
  private void crashOneNode(ClusterScript cluster, Config d) throws Exception {
    Workload users = new Workload("ns", 12, 3, 1);
    users.touchAll(1);
    String victim = cluster.artery(VICTIM);
    Cluster.await(Duration.ofSeconds(20), () -> Cluster.entitiesOn(1, victim) > 0, "node " + VICTIM + " hosts some users");
    int hosted = Cluster.entitiesOn(1, victim);

    List<Workload.Acked> acked;
    Duration failover;
    postTargets = List.of(1, 2, 3);
    try (Workload.Poster poster = users.new Poster("netns", 3, () -> postTargets)) {
      Cluster.await(Duration.ofSeconds(30), () -> poster.acked.size() >= 20, "posts acknowledged before the crash");
      postTargets = List.of(1, 3);
      Instant crashed = Instant.now();
      cluster.run("crash", String.valueOf(VICTIM));
      failover = users.timeUntilAllAnswer(1, crashed, Duration.ofSeconds(60));
      int before = poster.acked.size();
      Cluster.await(Duration.ofSeconds(30), () -> poster.acked.size() >= before + 20, "posts acknowledged after the failover");
      poster.close();
      acked = poster.assertAllAcknowledged();
    }
    System.out.printf("[netns] node %d (hosting %d of %d users) SIGKILLed: every user answered again through node 1 after %d ms; "
        + "%d posts acknowledged%n", VICTIM, hosted, users.users.size(), failover.toMillis(), acked.size());
    users.awaitDelivered(acked, 3, Duration.ofSeconds(60));
    cluster.run("restart", String.valueOf(VICTIM));
  }

  /** partition 2: nodes 1 and 3 and the journal no longer exchange a packet with node 2; the host still reaches it. */
  private void partitionOneNode(ClusterScript cluster, Config d) {
    String cut = ns(d, VICTIM), other = ns(d, 1);
    String cutHealth = "http://" + d.getString("node." + VICTIM + ".host") + ":" + d.getInt("node." + VICTIM + ".http-port") + "/health";
    String journalHost = d.getString("journal.host");
    int journalPort = d.getInt("journal.port");
    assertEquals("200", httpStatus(other, cutHealth), "node 1's namespace reaches node " + VICTIM + " before the partition");
    assertTrue(tcpConnects(cut, journalHost, journalPort), "node " + VICTIM + "'s namespace reaches the journal before the partition");

    cluster.run("partition", String.valueOf(VICTIM));
    // At once, before the split brain resolver downs it: the node runs and serves the host side.
    assertNotEquals(0, Api.call(VICTIM, "GET", "/health", null, Duration.ofSeconds(2)).status(), "the host still reaches the cut node");
    for (int i : List.of(1, 3))
      assertEquals("000", httpStatus(ns(d, i), cutHealth), "node " + i + "'s namespace reaches the cut node's HTTP port");
    assertFalse(tcpConnects(cut, journalHost, journalPort), "the cut node reaches the journal");
    assertTrue(tcpConnects(other, journalHost, journalPort), "node 1 lost the journal too");
    String victim = cluster.artery(VICTIM);
    Cluster.await(Duration.ofSeconds(30), () -> unreachableFrom(1).contains(victim), "node 1 sees node " + VICTIM + " unreachable");
    System.out.printf("[netns] partition %d: its HTTP port unreachable from the other namespaces, its journal connections fail, "
        + "Akka marks it unreachable%n", VICTIM);

    cluster.run("heal");
    assertTrue(tcpConnects(cut, journalHost, journalPort), "node " + VICTIM + "'s namespace reaches the journal after heal");
    cluster.run("restart", String.valueOf(VICTIM)); // the resolver may have downed it meanwhile
    assertEquals("200", httpStatus(other, cutHealth), "node 1's namespace reaches node " + VICTIM + " after heal");
  }

  private static volatile List<Integer> postTargets = List.of(1);

  private static String ns(Config d, int node) {
    return d.getString("node." + node + ".netns");
  }

  /** HOST:PORT of every member node {@code asker} sees unreachable. */
  private static List<String> unreachableFrom(int asker) {
    Api.Response view = Api.call(asker, "GET", "/cluster?sharding=off", null, Duration.ofSeconds(3));
    List<String> unreachable = new ArrayList<>();
    if (view.ok()) view.body().get("unreachable").forEach(a -> unreachable.add(a.asText().substring(a.asText().indexOf('@') + 1)));
    return unreachable;
  }

  /** The HTTP status curl gets inside namespace {@code ns}, "000" when no answer came within 3 s. */
  private static String httpStatus(String ns, String url) {
    return inNamespace(ns, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "3", url).output().strip();
  }

  private static boolean tcpConnects(String ns, String host, int port) {
    return inNamespace(ns, "timeout", "5", "bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port).exit() == 0;
  }

  private record Ran(int exit, String output) {}

  private static Ran inNamespace(String ns, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(command));
    return run(full);
  }

  private static Ran run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(String.join(" ", command) + " did not finish in 15 s");
      }
      return new Ran(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Ran(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** As scripts/cluster decides it: root, iproute2's ip, and ip netns working. */
  private static void assumeNamespacesCanBeMade() {
    Ran uid = run(List.of("id", "-u"));
    Assumptions.assumeTrue(uid.exit() == 0 && uid.output().strip().equals("0"),
        "network namespaces need root; this is uid " + uid.output().strip());
    Ran ip = run(List.of("ip", "netns", "list"));
    Assumptions.assumeTrue(ip.exit() == 0, "ip netns does not work here: " + ip.output().strip());
  }
}
