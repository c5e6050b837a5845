package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lab judges timelines by the bounds the nodes say they keep (GET /cluster's settings), read
 * here from stand-in nodes on loopback: every node must say, and all must agree with each other
 * and with the experiment's strategy.
 */
class NodeSettingsTest {
  static final String PUSH_800 = view(800, 800, "push", 1000);
  /** The experiment's cluster: two nodes, push (no front door: its port is not used). */
  static final Experiment.ClusterSpec PUSH = new Experiment.ClusterSpec(2, "h2", "resilient", "push", 1000, 0, false, 0, "loopback");

  HttpServer server;
  /** Node number -> its GET /cluster body, and its status when not 200. */
  final Map<Integer, String> bodies = new ConcurrentHashMap<>();
  final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
  Http http;

  /** A GET /cluster reply as the nodes give it, with the settings object. */
  static String view(int home, int own, String strategy, int threshold) {
    return "{\"self\":\"akka://timeline@127.0.0.1:1\",\"members\":[],\"unreachable\":[],"
        + "\"sharding\":{\"available\":true,\"nodes\":[]},\"settings\":{\"homeTimelineSize\":" + home + ",\"userTimelineSize\":" + own
        + ",\"strategy\":\"" + strategy + "\",\"hybridThreshold\":" + threshold + "}}";
  }

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // Node i is the stand-in under /n<i>: one server, a different answer per node.
    server.createContext("/", exchange -> {
      String[] parts = exchange.getRequestURI().getPath().split("/");  // "", "n1", "cluster"
      int node = Integer.parseInt(parts[1].substring(1));
      int status = parts.length == 3 && parts[2].equals("cluster") ? statuses.getOrDefault(node, 200) : 404;
      byte[] out = (status == 200 ? bodies.get(node) : "{\"error\":\"x\",\"message\":\"no\"}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    http = new Http(node -> base + "/n" + node);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void nodesThatAgreeGiveTheBoundsTheCheckerUses() {
    bodies.put(1, PUSH_800);
    bodies.put(2, PUSH_800);
    assertEquals(new NodeApi.NodeSettings(800, 800, "push", 1000), LabCluster.agreedSettings(http, PUSH));

    bodies.put(1, view(200, 50, "push", 1000));
    bodies.put(2, view(200, 50, "push", 1000));
    assertEquals(new NodeApi.NodeSettings(200, 50, "push", 1000), LabCluster.agreedSettings(http, PUSH), "what they say, not 800");
  }

  @Test
  void nodesThatDisagreeFailTheRun() {
    bodies.put(1, PUSH_800);
    bodies.put(2, view(400, 800, "push", 1000));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> LabCluster.agreedSettings(http, PUSH));
    assertTrue(e.getMessage().contains("disagree") && e.getMessage().contains("homeTimelineSize=400"), e.getMessage());
  }

  @Test
  void aNodeThatDoesNotSayFailsTheRun() {
    bodies.put(1, PUSH_800);
    bodies.put(2, "{\"members\":[],\"unreachable\":[]}");  // a node from before the settings were described
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> LabCluster.agreedSettings(http, PUSH));
    assertTrue(e.getMessage().contains("node 2") && e.getMessage().contains("'settings'"), e.getMessage());

    bodies.put(2, PUSH_800.replace("\"homeTimelineSize\":800,", ""));
    e = assertThrows(IllegalStateException.class, () -> LabCluster.agreedSettings(http, PUSH));
    assertTrue(e.getMessage().contains("node 2") && e.getMessage().contains("'homeTimelineSize'"), e.getMessage());

    bodies.put(2, PUSH_800.replace("\"homeTimelineSize\":800", "\"homeTimelineSize\":\"800\""));
    e = assertThrows(IllegalStateException.class, () -> LabCluster.agreedSettings(http, PUSH));
    assertTrue(e.getMessage().contains("not a whole number"), e.getMessage());

    bodies.put(2, PUSH_800);
    statuses.put(2, 503);
    e = assertThrows(IllegalStateException.class, () -> LabCluster.agreedSettings(http, PUSH));
    assertTrue(e.getMessage().contains("node 2") && e.getMessage().contains("503"), e.getMessage());
  }

  @Test
  void nodesRunningAnotherStrategyThanTheExperimentAsksFailTheRun() {
    bodies.put(1, view(800, 800, "pull", 1000));
    bodies.put(2, view(800, 800, "pull", 1000));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> LabCluster.agreedSettings(http, PUSH));
    assertTrue(e.getMessage().contains("strategy pull"), e.getMessage());

    var hybrid = new Experiment.ClusterSpec(2, "h2", "resilient", "hybrid", 50, 0, false, 0, "loopback");
    bodies.put(1, view(800, 800, "hybrid", 1000));
    bodies.put(2, view(800, 800, "hybrid", 1000));
    assertThrows(IllegalStateException.class, () -> LabCluster.agreedSettings(http, hybrid), "threshold 1000, not 50");
    bodies.put(1, view(800, 800, "hybrid", 50));
    bodies.put(2, view(800, 800, "hybrid", 50));
    assertEquals(50, LabCluster.agreedSettings(http, hybrid).hybridThreshold());
  }
}
