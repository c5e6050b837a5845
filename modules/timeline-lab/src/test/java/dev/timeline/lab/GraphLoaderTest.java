package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batching, and the import against stand-in admin endpoints on loopback that record what they got. */
class GraphLoaderTest {
  HttpServer server;
  final Map<String, Set<String>> following = new ConcurrentHashMap<>();
  final Map<String, Set<String>> followers = new ConcurrentHashMap<>();
  final Set<String> users = ConcurrentHashMap.newKeySet();
  final ConcurrentLinkedQueue<String> paths = new ConcurrentLinkedQueue<>();
  /** The first this-many requests answer 503, as a node that cannot serve yet. */
  final AtomicInteger unavailableFirst = new AtomicInteger();
  volatile int status = 200;

  @AfterEach
  void stop() {
    if (server != null) server.stop(0);
  }

  @Test
  void batchesAreConsecutiveUsersOfAtMostTheIdsAskedForExceptAHugeUserAlone() {
    int[] ids = {3, 3, 3, 10, 1, 0, 0, 2};
    List<GraphLoader.Batch> batches = GraphLoader.plan(ids.length, u -> ids[u], 6);
    assertEquals(List.of(new GraphLoader.Batch(0, 2, 6), new GraphLoader.Batch(2, 3, 3), new GraphLoader.Batch(3, 4, 10),
        new GraphLoader.Batch(4, 8, 3)), batches);
    assertEquals(List.of(), GraphLoader.plan(0, u -> 1, 6));
    List<GraphLoader.Batch> users = GraphLoader.plan(120_000, u -> 1, 50_000);
    assertEquals(3, users.size());
    assertEquals(20_000, users.get(2).ids());
  }

  @Test
  void bothSidesOfEveryFollowArriveInBatchesAndA503IsSentAgain() throws Exception {
    int port = start();
    unavailableFirst.set(2);
    Graph graph = Graph.generate(400, 10, 1.5, 9, 1, 0.5);
    GraphLoader.LoadTimes times = new GraphLoader(Http.to("http://127.0.0.1:" + port), 1, 150, 3).load(graph);

    assertEquals(graph.size(), users.size(), "every user imported");
    Map<String, List<String>> expected = graph.followersById();
    Map<String, Set<String>> expectedFollowing = new TreeMap<>();
    expected.forEach((followee, fs) -> fs.forEach(f -> expectedFollowing.computeIfAbsent(f, k -> new TreeSet<>()).add(followee)));
    expected.forEach((user, fs) -> assertEquals(new TreeSet<>(fs), followers.getOrDefault(user, Set.of()), "followers of " + user));
    assertEquals(expectedFollowing, new TreeMap<>(following), "who each user follows");
    assertEquals(graph.follows(), times.follows());
    long userBatches = paths.stream().filter(p -> p.endsWith("/users")).count();
    assertEquals(4, userBatches, "400 users in batches of at most " + GraphLoader.USER_BATCH + ", each taken once");
    assertTrue(unavailableFirst.get() < 0, "the two batches answered 503 were sent again");
    int first = List.copyOf(paths).indexOf("/admin/import/following");
    int lastUsers = List.copyOf(paths).lastIndexOf("/admin/import/users");
    assertTrue(lastUsers < first, "users before any follow");
  }

  @Test
  void aClientErrorStopsTheLoadWithTheAnswer() throws Exception {
    int port = start();
    status = 404;
    GraphLoader loader = new GraphLoader(Http.to("http://127.0.0.1:" + port), 1, 100, 2);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> loader.load(Graph.generate(50, 3, 1.5, 1)));
    assertTrue(e.getMessage().contains("404"), e.getMessage());
  }

  int start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/admin/import/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      JsonNode body = Http.JSON.readTree(exchange.getRequestBody().readAllBytes());
      int answer = unavailableFirst.getAndDecrement() > 0 ? 503 : status;
      if (answer == 200) {
        paths.add(path);
        body.fields().forEachRemaining(entry -> {
          if (path.endsWith("/users")) users.add(entry.getKey());
          else {
            Map<String, Set<String>> side = path.endsWith("/following") ? following : followers;
            entry.getValue().forEach(id -> side.computeIfAbsent(entry.getKey(), k -> ConcurrentHashMap.newKeySet()).add(id.asText()));
          }
        });
      }
      byte[] out = (answer == 200 ? "{\"users\":1,\"ids\":1}" : "{\"error\":\"x\",\"message\":\"status " + answer + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.start();
    return server.getAddress().getPort();
  }
}
