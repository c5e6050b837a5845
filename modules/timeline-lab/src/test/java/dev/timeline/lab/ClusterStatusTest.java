package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.timeline.lab.ClusterStatus.State;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/cluster status --json}, parsed, and the real script's document on a run directory
 * made here: stand-in processes that look like nodes to it (one answering /health on a free port,
 * one SIGSTOPped), a crashed one and one never started. Binds no port of the lab's range.
 */
class ClusterStatusTest {
  @TempDir Path runDir;
  final List<Process> started = new ArrayList<>();
  HttpServer health;

  static final String DOC = """
      {"runDir":"/r","hosts":"loopback","nodes":[
        {"node":1,"state":"up","pid":101,"health":200,"host":"127.0.0.1","arteryPort":2551,"httpPort":8081,"adminHost":"127.0.0.1","adminPort":8181},
        {"node":2,"state":"paused","pid":102,"health":null,"host":"127.0.0.1","arteryPort":2552,"httpPort":8082,"adminHost":"127.0.0.1","adminPort":8182},
        {"node":3,"state":"dead","pid":null,"health":null,"host":"127.0.0.1","arteryPort":2553,"httpPort":8083,"adminHost":"127.0.0.1","adminPort":8183}],
       "journal":{"kind":"h2","state":"running","pid":100,"host":"127.0.0.1","port":9092,"url":"jdbc:h2:tcp://127.0.0.1:9092/timeline"},
       "frontDoor":"http://127.0.0.1:8080"}
      """;

  @AfterEach
  void stop() {
    started.forEach(Process::destroyForcibly);  // SIGKILL reaches a stopped process too
    if (health != null) health.stop(0);
  }

  @Test
  void theDocumentIsReadField() {
    ClusterStatus s = ClusterStatus.parse(DOC);
    assertEquals(3, s.nodes().size());
    assertEquals(new ClusterStatus.Node(1, State.up, 101, 200, "127.0.0.1", 2551, 8081, "127.0.0.1", 8181), s.node(1).orElseThrow());
    assertEquals(State.paused, s.node(2).orElseThrow().state());
    assertEquals(0, s.node(3).orElseThrow().pid(), "no pid recorded");
    assertEquals(List.of(3), s.dead());
    assertEquals(new ClusterStatus.Journal("h2", "running", 100), s.journal());
    assertEquals("http://127.0.0.1:8080", s.frontDoor());
    assertNull(ClusterStatus.parse(DOC.replace("\"http://127.0.0.1:8080\"", "null")).frontDoor());
  }

  @Test
  void aDocumentMissingAFieldOrWithAnUnknownStateIsAnError() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ClusterStatus.parse(DOC.replace("\"state\":\"paused\",", "")));
    assertTrue(e.getMessage().contains("'state'"), e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> ClusterStatus.parse(DOC.replace("\"paused\"", "\"sleeping\"")));
    assertTrue(e.getMessage().contains("sleeping"), e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> ClusterStatus.parse(DOC.replace("\"httpPort\":8082", "\"httpPort\":\"8082\"")));
    assertTrue(e.getMessage().contains("'httpPort'"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> ClusterStatus.parse("node 1 up"), "the human status is not read");
  }

  @Test
  void theScriptDescribesEveryNodesProcess() throws Exception {
    health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    health.createContext("/health", x -> {
      x.sendResponseHeaders(200, -1);
      x.close();
    });
    health.start();
    int healthPort = health.getAddress().getPort();
    Process up = fakeNode(1);
    Process paused = fakeNode(2);
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(runDir.resolve("node-1.pid"), up.pid() + "\n");
    Files.writeString(runDir.resolve("node-2.pid"), paused.pid() + "\n");
    Files.writeString(runDir.resolve("node-3.pid"), gone.pid() + "\n");  // node 4: never started, no pid file
    Files.writeString(runDir.resolve("journal.kind"), "h2\n");
    Files.writeString(runDir.resolve("journal.crashed"), "2026-01-01T00:00:00+00:00\n");
    Files.writeString(runDir.resolve("cluster.conf"), description(healthPort));
    assertEquals(0, new ProcessBuilder("kill", "-STOP", String.valueOf(paused.pid())).start().waitFor());

    ClusterControl control = new ClusterControl(LabRun.ROOT, runDir, runDir.resolve("transcript.log"));
    ClusterStatus s = control.status();

    assertEquals(List.of(State.up, State.paused, State.dead, State.dead), s.nodes().stream().map(ClusterStatus.Node::state).toList());
    assertEquals(up.pid(), s.node(1).orElseThrow().pid());
    assertEquals(200, s.node(1).orElseThrow().health());
    assertEquals(gone.pid(), s.node(3).orElseThrow().pid(), "the last pid recorded");
    assertEquals(0, s.node(4).orElseThrow().pid());
    assertEquals(List.of(3, 4), s.dead());
    assertEquals(new ClusterStatus.Journal("h2", "crashed", 0), s.journal());
    assertNull(s.frontDoor());
    // Every address as the description states it, for each node.
    ClusterDescription d = ClusterDescription.read(runDir);
    for (ClusterStatus.Node n : s.nodes()) {
      ClusterDescription.Node described = d.node(n.node());
      assertEquals(List.of(described.host(), described.arteryPort(), described.httpPort(), described.adminHost(), described.adminPort()),
          List.of(n.host(), n.arteryPort(), n.httpPort(), n.adminHost(), n.adminPort()), "node " + n.node());
    }

    health.stop(0);  // node 1 runs but no longer answers /health
    health = null;
    assertEquals(State.unhealthy, control.status().node(1).orElseThrow().state());
  }

  /**
   * A process the script takes for node {@code i} (its command line names scripts/node and
   * {@code --index i}): a shell waiting on a builtin, so that it has no child to leave behind.
   */
  private Process fakeNode(int i) throws IOException {
    Process p = new ProcessBuilder("bash", "-c", "read -r -t 120 line; :", runDir.resolve("scripts/node").toString(), "--index",
        String.valueOf(i)).start();
    started.add(p);
    return p;
  }

  /** Four nodes; node 1's HTTP port is the stand-in /health, the others' ports nothing here listens on. */
  private static String description(int healthPort) {
    StringBuilder d = new StringBuilder("""
        hosts = loopback
        nodes = 4
        journal.kind = h2
        journal.host = "127.0.0.1"
        journal.port = 1
        journal.url = "jdbc:h2:tcp://127.0.0.1:1/timeline"
        seeds = ["127.0.0.1:1"]
        """);
    for (int i = 1; i <= 4; i++)
      d.append("node.").append(i).append(".host = \"127.0.0.1\"\n")
          .append("node.").append(i).append(".artery-port = ").append(40_000 + i).append('\n')
          .append("node.").append(i).append(".artery-bind-port = ").append(40_100 + i).append('\n')
          .append("node.").append(i).append(".http-port = ").append(i == 1 ? healthPort : 40_200 + i).append('\n')
          .append("node.").append(i).append(".admin-host = \"127.0.0.1\"\n")
          .append("node.").append(i).append(".admin-port = ").append(40_300 + i).append('\n');
    return d.toString();
  }
}
