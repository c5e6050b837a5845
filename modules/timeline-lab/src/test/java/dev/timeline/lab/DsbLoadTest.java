package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** DeathStarBench's graph load: what it reads from an edge file, and what it sends a node. */
class DsbLoadTest {
  @TempDir Path dir;

  @Test
  void readsUsersAndFollowsBothWaysThroughTheLabsEdgeListReader() throws IOException {
    Path edges = dir.resolve("g.edges");
    Files.writeString(edges, "% comment\n1 0\n2 0\n# another\n2 1\n3 3\n1 0\n");
    Files.writeString(dir.resolve("g.nodes"), "5\n");
    DsbLoad.Load load = DsbLoad.readLoad(edges);
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), load.users(), "every user of an edge, plus 0..n-1 of GRAPH.nodes");
    assertEquals(Set.of("1>0", "0>1", "2>0", "0>2", "2>1", "1>2"), follows(load),
        "both ways per edge; the repeated edge once; the self-loop none");
    assertEquals(6, load.follows().size());
    for (int i = 0; i < load.follows().size(); i += 2)
      assertEquals(load.follows().get(i)[0] + ">" + load.follows().get(i)[1],
          load.follows().get(i + 1)[1] + ">" + load.follows().get(i + 1)[0], "an edge's two follows one after the other");

    Files.delete(dir.resolve("g.nodes"));
    assertEquals(List.of(0L, 1L, 2L, 3L), DsbLoad.readLoad(edges).users(), "without GRAPH.nodes, the users of the edges");
  }

  @Test
  void refusesALineThatIsNotAnEdgeByItsNumber() throws IOException {
    for (String bad : List.of("1 x", "7", "-1 2")) {
      Path edges = dir.resolve("bad.edges");
      Files.writeString(edges, "1 0\n" + bad + "\n");
      var refused = assertThrows(IllegalArgumentException.class, () -> DsbLoad.readLoad(edges), bad);
      assertTrue(refused.getMessage().contains("line 2 is not 'u v'"), refused.getMessage());
    }
  }

  @Test
  void sendsDeathStarBenchsFormsAndWaitsOutA503() throws IOException {
    Path edges = dir.resolve("pair.edges");
    Files.writeString(edges, "7 8\n");
    ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    AtomicInteger unavailableLeft = new AtomicInteger(1);
    HttpServer node = node(exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (unavailableLeft.getAndDecrement() > 0) {
        exchange.getResponseHeaders().add("Retry-After", "1");
        return 503;
      }
      received.add(exchange.getRequestURI().getPath() + "?" + body);
      return 200;
    });
    try {
      assertEquals(0, load(node, edges));
    } finally {
      node.stop(0);
    }
    assertEquals(Set.of(
            "/wrk2-api/user/register?first_name=first_name_7&last_name=last_name_7&username=username_7&password=password_7&user_id=7",
            "/wrk2-api/user/register?first_name=first_name_8&last_name=last_name_8&username=username_8&password=password_8&user_id=8",
            "/wrk2-api/user/follow?user_name=username_7&followee_name=username_8",
            "/wrk2-api/user/follow?user_name=username_8&followee_name=username_7"),
        Set.copyOf(received), "the 503 was sent again, and everything else once");
    assertEquals(4, received.size());
  }

  @Test
  void stopsAtAnAnswerOtherThan503() throws IOException {
    Path edges = dir.resolve("pair.edges");
    Files.writeString(edges, "7 8\n");
    HttpServer node = node(exchange -> 400);
    try {
      assertEquals(1, load(node, edges));
    } finally {
      node.stop(0);
    }
  }

  private interface Answer {
    int status(com.sun.net.httpserver.HttpExchange exchange) throws IOException;
  }

  /** A stand-in node on a free loopback port that answers every request with {@code answer}'s status. */
  private static HttpServer node(Answer answer) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", exchange -> {
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(exchange), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server;
  }

  private static int load(HttpServer node, Path edges) {
    return new CommandLine(new DsbLoad()).execute(edges.toString(), "--concurrency", "1", "--retry-for", "10",
        "--node", "http://127.0.0.1:" + node.getAddress().getPort());
  }

  private static Set<String> follows(DsbLoad.Load load) {
    return load.follows().stream().map(f -> f[0] + ">" + f[1]).collect(Collectors.toSet());
  }
}
