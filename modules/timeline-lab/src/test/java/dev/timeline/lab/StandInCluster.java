package dev.timeline.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-node cluster in the test's JVM for the lab's runtime: a {@code scripts/cluster} under
 * {@code root} that only writes the cluster description (every other verb does nothing), and one
 * HTTP server on an ephemeral loopback port that is the node's public API and admin port. It keeps
 * every post in its author's own timeline across crashes (as the journal would) and has no
 * followers to deliver to; close() stops it.
 */
final class StandInCluster implements AutoCloseable {
  /** Its threads' name: they are not the lab's. */
  static final String THREADS = "stand-in";

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> new Thread(r, THREADS));
  private final Map<String, List<Map<String, String>>> own = new ConcurrentHashMap<>();
  private final Map<String, String> byRequest = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private StandInCluster(Path root) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
    Path script = Files.createDirectories(root.resolve("scripts")).resolve("cluster");
    int port = server.getAddress().getPort();
    Files.writeString(script, """
        #!/usr/bin/env bash
        if [[ "${1:-}" == start ]]; then
          mkdir -p "$TIMELINE_RUN_DIR"
          cat > "$TIMELINE_RUN_DIR/cluster.conf" <<EOF
        hosts = loopback
        journal.url = "jdbc:stand-in"
        nodes = 1
        node.1 { host = "127.0.0.1", artery-port = 1, http-port = %d, admin-host = "127.0.0.1", admin-port = %d }
        EOF
          echo "node 1 up in 0.0 s"
        elif [[ "${1:-} ${2:-}" == "status --json" ]]; then
          echo '{"hosts":"loopback","nodes":[{"node":1,"state":"up","pid":1,"health":200,"host":"127.0.0.1","arteryPort":1,"httpPort":%d,"adminHost":"127.0.0.1","adminPort":%d}],"journal":{"kind":"h2","state":"running","pid":null},"frontDoor":null}'
        fi
        """.formatted(port, port, port, port));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Writes {@code root}/scripts/cluster and starts the node. */
  static StandInCluster start(Path root) throws IOException {
    return new StandInCluster(root);
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    byte[] request = x.getRequestBody().readAllBytes();
    String[] parts = path.split("/");  // "", "users", ID, "tweets"
    int status = 200;
    Object body;
    if (path.startsWith("/admin/import/") || path.equals("/health")) body = Map.of();
    else if (path.equals("/metrics")) body = Map.of("posts", 0, "timelineWrites", 0, "homeReads", 0, "entitiesAsked", 0, "partialReads", 0);
    else if (path.equals("/cluster")) body = Map.of("members", List.of(), "unreachable", List.of(), "settings",
        Map.of("homeTimelineSize", 800, "userTimelineSize", 800, "strategy", "push", "hybridThreshold", 1000));
    else if (path.equals("/admin/journal/writers")) body = Map.of("persistenceIds", own.size(), "events", ids.get(), "writerRuns", Map.of());
    else if (parts.length == 4 && parts[3].equals("tweets") && x.getRequestMethod().equals("POST")) {
      status = 201;
      body = Map.of("tweetId", post(parts[2], Http.JSON.readTree(request)));
    } else if (parts.length == 4 && parts[3].equals("tweets")) {
      List<Map<String, String>> tweets = new ArrayList<>(own.getOrDefault(parts[2], List.of()));
      java.util.Collections.reverse(tweets);
      body = page(tweets);
    } else if (parts.length == 4 && parts[3].equals("timeline")) body = page(List.of());
    else {
      status = 404;
      body = Map.of("error", "not_found");
    }
    byte[] bytes = Http.json(body).getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  /** A post once per request id; ids sort by time, as the nodes' do. */
  private synchronized String post(String user, JsonNode request) {
    String requestId = request.path("requestId").asText();
    return byRequest.computeIfAbsent(requestId, r -> {
      String id = String.format("%013d-%s", 1_700_000_000_000L + ids.incrementAndGet(), user);
      Map<String, String> tweet = new LinkedHashMap<>();
      tweet.put("id", id);
      tweet.put("requestId", r);
      own.computeIfAbsent(user, u -> java.util.Collections.synchronizedList(new ArrayList<>())).add(tweet);
      return id;
    });
  }

  private static Map<String, Object> page(List<Map<String, String>> tweets) {
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("tweets", tweets);
    page.put("nextCursor", null);
    page.put("partial", false);
    return page;
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
