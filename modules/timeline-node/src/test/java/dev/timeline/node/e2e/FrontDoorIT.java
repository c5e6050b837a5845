package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * DeathStarBench's own tools, unchanged and with their defaults, against a 3-node cluster behind
 * its front door (scripts/cluster start 3 --front-door: haproxy on 127.0.0.1:8080, DeathStarBench's
 * front-end port): {@code init_social_graph.py --compose} on socfb-Reed98 with no --ip or --port,
 * then each of its four Lua scripts through Debian's wrk for 3 s against the front door and, in the
 * same run, against node 1 directly (8081), printing req/s and p99 of both. Then node 2 is crashed
 * (SIGKILL): the front door takes it out of rotation within {@link #OUT_OF_ROTATION}, from then on
 * no request goes to it, and once its users have moved to the survivors DeathStarBench's scripts
 * run through the front door without a single non-2xx answer or socket error again.
 *
 * <p>Needs Debian's wrk, lua-socket, python3-aiohttp and haproxy (.ci/run installs them; skipped
 * without wrk or haproxy). Binds 8080-8083, 2551-2553, 8181-8183 and 9092: run it under
 * {@code flock /tmp/timeline-ports.lock}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@org.junit.jupiter.api.extension.ExtendWith(NodeLogsOnFailure.class)
class FrontDoorIT {
  /** Api's node 0: the front door, where the cluster description says. */
  private static final int FRONT_DOOR = Api.FRONT_DOOR;
  private static final Path DIR = ClusterScript.ROOT.resolve("modules/timeline-node/target/e2e/front-door-dsb");
  private static final Duration WRK_RUN = Duration.ofSeconds(3);
  /**
   * How long after a SIGKILL the front door has the node out of rotation: 2 failed checks 500 ms
   * apart, measured 0.54-1.06 s here (scripts/bench-frontdoor and this test), with room for a busy machine.
   */
  static final Duration OUT_OF_ROTATION = Duration.ofSeconds(3);
  /**
   * The nodes' ask timeout here, instead of 2 s. The init script sends 200 requests at once and
   * never retries; a follow persists on both users, one event at a time per user, and Reed98's
   * most-followed users queue hundreds of them. With 2 s, on this 2-core machine (busy) and the
   * H2 server journal, 357 of 37,624 follows were answered 503 (ask timeout on users 0, 1, 8, ...),
   * while on one node with an embedded H2 file all succeeded. Below haproxy's 10 s
   * server timeout.
   */
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(8);
  private static final List<String[]> SCRIPTS = List.of(
      new String[] {"compose-post.lua", "/wrk2-api/post/compose"},
      new String[] {"read-home-timeline.lua", "/wrk2-api/home-timeline/read"},
      new String[] {"read-user-timeline.lua", "/wrk2-api/user-timeline/read"},
      new String[] {"mixed-workload.lua", "/wrk2-api/home-timeline/read"});

  private static Path shared;
  private static ClusterScript cluster;
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void startClusterWithFrontDoor() throws Exception {
    assumeTrue(DsbTools.onPath("wrk"), "FrontDoorIT skipped: wrk is not installed (.ci/run installs it)");
    assumeTrue(DsbTools.onPath("haproxy"), "FrontDoorIT skipped: haproxy is not installed (.ci/run installs it)");
    shared = DsbTools.sharedData();
    DsbTools.deleteRecursively(DIR);
    Path graphDir = Files.createDirectories(DIR.resolve("datasets/social-graph/" + DsbTools.GRAPH));
    for (String ext : List.of(".nodes", ".edges"))
      Files.createSymbolicLink(graphDir.resolve(DsbTools.GRAPH + ext),
          shared.resolve("social-graphs/" + DsbTools.GRAPH + "/" + DsbTools.GRAPH + ext));
    cluster = new ClusterScript("front-door").withEnv("TIMELINE_NODE_JAVA_OPTS", "-Dtimeline.ask-timeout=" + ASK_TIMEOUT.toSeconds() + "s");
    String started = cluster.run(Duration.ofMinutes(4), "start", "3", "--front-door");
    assertTrue(started.contains("front door: haproxy on http://127.0.0.1:8080"), started);
    warmUp();
  }

  /**
   * 300 users who are not DeathStarBench's (ids {@code warmup-k}) registered through the front
   * door, 16 at a time, each retried until it is answered 201: every node then hosts shards and
   * has run the write path. Without it, on a cluster just started (this 2-core machine, busy),
   * 189 of the init script's 962 registrations, 200 at once, were answered 503 (the 2 s ask
   * timeout), and DeathStarBench's script does not retry.
   */
  private static void warmUp() throws Exception {
    long t0 = System.nanoTime();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      List<java.util.concurrent.Future<Integer>> done = new ArrayList<>();
      for (int k = 0; k < 300; k++) {
        String id = "warmup-" + k;
        done.add(pool.submit(() -> {
          for (int attempt = 1; attempt <= 30; attempt++) {
            if (Api.register(FRONT_DOOR, id).ok()) return attempt;
            Thread.sleep(500);
          }
          throw new AssertionError(id + " not registered through the front door after 30 attempts");
        }));
      }
      int retried = 0;
      for (var f : done) if (f.get() > 1) retried++;
      System.out.printf("FrontDoorIT: warm-up: 300 users registered through the front door in %.1f s (%d needed a retry)%n",
          (System.nanoTime() - t0) / 1e9, retried);
    } finally {
      pool.shutdownNow();
    }
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  /** The init script with its defaults: it targets 127.0.0.1:8080, the front door. */
  @Test
  @Order(1)
  void initSocialGraphThroughTheFrontDoor() throws Exception {
    long t0 = System.nanoTime();
    DsbTools.Run init = DsbTools.run(Duration.ofMinutes(10), DIR, "/usr/bin/python3",
        shared.resolve("deathstarbench/scripts/init_social_graph.py").toString(), "--graph", DsbTools.GRAPH, "--compose");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    String summary = DsbTools.assertInitLoadedReed98(init);
    System.out.printf("FrontDoorIT: init_social_graph.py --compose (defaults: 127.0.0.1:8080) on %s through the front door of 3 nodes took %d s:%n%s",
        DsbTools.GRAPH, seconds, summary);
  }

  /** Each Lua script through the front door and directly on node 1, one after the other. */
  @Test
  @Order(2)
  void eachLuaScriptThroughTheFrontDoorAndOnNode1() throws Exception {
    List<String> table = new ArrayList<>();
    for (String[] script : SCRIPTS) {
      WrkOutput door = wrk(script[0], Api.base(FRONT_DOOR) + script[1]);
      WrkOutput direct = wrk(script[0], Api.base(1) + script[1]);
      table.add(String.format("  %-24s front door %7.1f req/s p99 %8.2f ms | node 1 %7.1f req/s p99 %8.2f ms",
          script[0], door.requestsPerSecond(), door.p99Millis(), direct.requestsPerSecond(), direct.p99Millis()));
    }
    System.out.println("FrontDoorIT: wrk -t1 -c4 -d3s --latency, same run:\n" + String.join("\n", table));
  }

  @Test
  @Order(3)
  void aCrashedNodeIsTakenOutOfRotationAndTheToolsStillRun() throws Exception {
    cluster.run("crash", "2");
    long t0 = System.nanoTime();
    Cluster.await(OUT_OF_ROTATION, () -> frontDoorSees("node-2", "DOWN"), "the front door marks node-2 DOWN");
    double outAfter = (System.nanoTime() - t0) / 1e9;
    // Once it is out, no request is sent to it: 2 s of requests, every one answered by a survivor.
    int answered = 0;
    for (long end = System.nanoTime() + 2_000_000_000L; System.nanoTime() < end; answered++) {
      HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(Api.base(FRONT_DOOR) + "/health")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), "through the front door after node 2 is out: " + r.body());
      String servedBy = r.headers().firstValue("X-Served-By").orElse("?");
      assertTrue(servedBy.equals("node-1") || servedBy.equals("node-3"), "answered by " + servedBy);
    }
    // Node 2's users answer again once the survivors have taken over its shards (~10 s).
    long t1 = System.nanoTime();
    Cluster.await(Duration.ofSeconds(60), FrontDoorIT::everyProbedUserAnswers, "node 2's users served again through the front door");
    double servedAfter = (System.nanoTime() - t0) / 1e9;
    System.out.printf("FrontDoorIT: node 2 crashed: out of rotation after %.2f s, then %d requests through the front door all answered by nodes 1 and 3;"
        + " every probed user answered again %.1f s after the crash (%.1f s of waiting)%n", outAfter, answered, servedAfter, (System.nanoTime() - t1) / 1e9);
    for (String[] script : SCRIPTS.subList(2, 4)) wrk(script[0], Api.base(FRONT_DOOR) + script[1]);
  }

  /** {@code wrk -t1 -c4 -d3s --latency -s SCRIPT URL}: no non-2xx answer, no socket error. */
  private static WrkOutput wrk(String script, String url) throws Exception {
    DsbTools.Run run = DsbTools.run(Duration.ofSeconds(60), DIR, "wrk", "-t1", "-c4", "-d" + WRK_RUN.toSeconds() + "s", "--latency",
        "-s", shared.resolve("deathstarbench/wrk2-scripts/" + script).toString(), url);
    assertEquals(0, run.exitCode(), run.output());
    WrkOutput out = WrkOutput.parse(run.output());
    System.out.printf("FrontDoorIT: %s against %s: %d requests, %.1f req/s, p99 %.2f ms, %d non-2xx, %d socket errors%n",
        script, url, out.requests(), out.requestsPerSecond(), out.p99Millis(), out.non2xx(), out.socketErrors());
    assertTrue(out.requests() > 0, run.output());
    assertEquals(0, out.non2xx(), "non-2xx answers to " + script + " at " + url + ":\n" + run.output());
    assertEquals(0, out.socketErrors(), "socket errors under " + script + " at " + url + ":\n" + run.output());
    return out;
  }

  /** Whether {@code scripts/cluster frontdoor status} shows {@code server} with {@code status}. */
  private static boolean frontDoorSees(String server, String status) {
    return cluster.run(Duration.ofSeconds(20), "frontdoor", "status").lines()
        .anyMatch(l -> l.trim().startsWith(server + " ") && l.trim().split("\\s+")[2].equals(status));
  }

  /** 48 users spread over Reed98's ids, each user's timeline read through the front door: all 200. */
  private static boolean everyProbedUserAnswers() {
    for (int user = 0; user < 962; user += 20)
      if (Api.call(FRONT_DOOR, "GET", "/wrk2-api/user-timeline/read?user_id=" + user + "&start=0&stop=1", null, Duration.ofSeconds(5)).status() != 200)
        return false;
    return true;
  }
}
