package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The open-model schedule against a stand-in node on loopback whose speed the test controls. */
class LoadGeneratorTest {
  HttpServer server;
  final CountDownLatch release = new CountDownLatch(1);
  final AtomicInteger stallFirst = new AtomicInteger();
  final AtomicInteger posts = new AtomicInteger();
  volatile boolean partialHomes;

  int startNode() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", exchange -> {
      if (stallFirst.getAndDecrement() > 0) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      boolean post = exchange.getRequestMethod().equals("POST");
      boolean home = exchange.getRequestURI().getPath().endsWith("/timeline");
      byte[] body = (post ? "{\"tweetId\":\"0000000000001-a" + posts.incrementAndGet() + "\",\"postedAt\":1}"
          : "{\"tweets\":[],\"nextCursor\":null,\"partial\":" + (home && partialHomes) + "}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(post ? 201 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) server.stop(0);
  }

  static Experiment.LoadSpec spec(double rate, int maxInFlight) {
    return new Experiment.LoadSpec(rate, Map.of(OpType.post, 1, OpType.home, 1, OpType.user, 1), maxInFlight,
        Duration.ofSeconds(5), Duration.ofSeconds(5), 0, Duration.ofMillis(100), Duration.ofSeconds(1));
  }

  static final Graph GRAPH = Graph.generate(10, 2, 1.5, 1);

  LoadGenerator generator(int port, Experiment.LoadSpec spec, RunClock clock) {
    Http http = Http.to("http://127.0.0.1:" + port); // node 1 is the stand-in
    return new LoadGenerator(http, spec, GRAPH, 1, true, new LagProbe(http, GRAPH, 1, spec, clock, 1));
  }

  @Test
  void operationsAreDueAtTheRateAndAllRecorded() throws Exception {
    int port = startNode();
    RunClock clock = RunClock.startingNow();
    LoadGenerator load = generator(port, spec(100, 1000), clock);
    List<Op> history = load.run(clock, 1000, true, "r", 7);
    assertEquals(100, history.size(), "100 req/s for 1 s");
    for (int i = 0; i < history.size(); i++) assertEquals(i * 10.0, history.get(i).intendedMs(), 1e-9, "due every 10 ms");
    assertTrue(history.stream().allMatch(op -> op.outcome() == Outcome.ok), "all ok");
    assertTrue(history.stream().filter(op -> op.type() == OpType.post).allMatch(op -> op.tweetId() != null && op.requestId() != null));
    assertTrue(history.stream().allMatch(op -> op.invokeMs() >= op.intendedMs()), "never sent before due");
  }

  @Test
  void theLiveTallyHasEveryCompletionInTheWallClockSecondItWasDue() throws Exception {
    int port = startNode();
    stallFirst.set(20); // the first 20 requests (due 0 to 380 ms) are answered at 600 ms
    RunClock clock = RunClock.startingNow();
    long startedMs = System.currentTimeMillis();
    Http http = Http.to("http://127.0.0.1:" + port);
    var spec = spec(50, 1000);
    LiveOutcomes live = LiveOutcomes.forLoad(spec);
    LoadGenerator load = new LoadGenerator(http, spec, GRAPH, 1, true, new LagProbe(http, GRAPH, 1, spec, clock, 1), live);
    Thread releaser = new Thread(() -> {
      java.util.concurrent.locks.LockSupport.parkNanos(clock.nanosAt(600) - System.nanoTime());
      release.countDown();
    });
    releaser.start();
    List<Op> history = load.run(clock, 1000, true, "l", 5);
    releaser.join();
    var view = live.snapshot();
    assertEquals(history.size(), view.seconds().stream().mapToLong(s -> s.ok() + s.fail() + s.info()).sum(), view.toString());
    assertTrue(view.seconds().stream().allMatch(s -> s.startMs() >= startedMs / 1000 * 1000 && s.startMs() < startedMs + 1000), view.toString());
    double worstP99 = view.seconds().stream().flatMap(s -> s.ops().values().stream()).mapToDouble(l -> l.p99Ms()).max().orElse(0);
    assertTrue(worstP99 >= 590, "the request due at 0 took 600 ms: " + view);
  }

  @Test
  void aPartialHomePageIsAnOkReadMarkedPartial() throws Exception {
    int port = startNode();
    partialHomes = true;
    RunClock clock = RunClock.startingNow();
    LoadGenerator load = generator(port, spec(100, 1000), clock);
    List<Op> history = load.run(clock, 500, true, "q", 11);
    List<Op> homes = history.stream().filter(op -> op.type() == OpType.home).toList();
    assertTrue(homes.size() > 5, "home reads were issued: " + homes.size());
    assertTrue(homes.stream().allMatch(op -> op.outcome() == Outcome.ok && op.partial()), "ok, and partial");
    assertTrue(history.stream().filter(op -> op.type() != OpType.home).noneMatch(Op::partial), "only home reads can be partial");
  }

  @Test
  void aShareOfPostsCanBeTheCelebritys() throws Exception {
    int port = startNode();
    Graph graph = Graph.generate(200, 2, 1.5, 1, 2, 0.5);
    var spec = new Experiment.LoadSpec(200, Map.of(OpType.post, 1, OpType.home, 1, OpType.user, 0), 1000,
        Duration.ofSeconds(5), Duration.ofSeconds(5), 0, Duration.ofMillis(100), Duration.ofSeconds(1), 0.5);
    RunClock clock = RunClock.startingNow();
    Http http = Http.to("http://127.0.0.1:" + port);
    LoadGenerator load = new LoadGenerator(http, spec, graph, 1, true, new LagProbe(http, graph, 1, spec, clock, 1));
    List<Op> history = load.run(clock, 1000, true, "c", 13);
    List<Op> posts = history.stream().filter(op -> op.type() == OpType.post).toList();
    long byCelebrities = posts.stream().filter(op -> op.user().equals("u0") || op.user().equals("u1")).count();
    assertEquals(0.5, (double) byCelebrities / posts.size(), 0.15, "about half the posts are u0's and u1's: " + byCelebrities + "/" + posts.size());
    long celebrityReads = history.stream().filter(op -> op.type() != OpType.post && (op.user().equals("u0") || op.user().equals("u1"))).count();
    assertTrue(celebrityReads < 10, "reads still pick anyone: " + celebrityReads);
  }

  @Test
  void aStallCountsFromWhenEachRequestWasDueNotWhenItWasSent() throws Exception {
    int port = startNode();
    stallFirst.set(20); // the node holds the first 20 requests until released
    RunClock clock = RunClock.startingNow();
    LoadGenerator load = generator(port, spec(50, 1000), clock);
    Thread releaser = new Thread(() -> {
      java.util.concurrent.locks.LockSupport.parkNanos(clock.nanosAt(600) - System.nanoTime());
      release.countDown();
    });
    releaser.start();
    List<Op> history = load.run(clock, 1000, true, "s", 3);
    assertEquals(50, history.size(), "the schedule went on during the stall");
    Op first = history.get(0);
    assertTrue(first.latencyMs() >= 550, "the first request waited out the stall: " + first.latencyMs());
    assertTrue(history.get(25).intendedMs() >= 499 && history.get(25).invokeMs() < 600,
        "requests due during the stall were sent when due, not after it");
  }

  @Test
  void reachingTheInFlightBoundIsAFailureNotASkip() throws Exception {
    int port = startNode();
    stallFirst.set(1_000); // nothing answers until the end
    RunClock clock = RunClock.startingNow();
    LoadGenerator load = generator(port, spec(50, 5), clock);
    Thread releaser = new Thread(() -> {
      java.util.concurrent.locks.LockSupport.parkNanos(clock.nanosAt(1100) - System.nanoTime());
      release.countDown();
    });
    releaser.start();
    List<Op> history = load.run(clock, 1000, true, "b", 5);
    assertEquals(50, history.size(), "every due operation is in the history");
    long bounded = history.stream().filter(op -> "in-flight bound reached".equals(op.error())).count();
    assertEquals(45, bounded, "all but the 5 in flight failed at once");
    assertTrue(history.stream().filter(op -> "in-flight bound reached".equals(op.error())).allMatch(op -> op.outcome() == Outcome.fail));
  }

  @Test
  void theResilientClientStopsSendingFirstToANodeThatLeftARequestUnanswered() throws Exception {
    int port = startNode();
    // Node 2 accepts connections and never answers (a paused node).
    java.net.ServerSocket paused = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    try (paused) {
      var spec = new Experiment.LoadSpec(50, Map.of(OpType.post, 1, OpType.home, 1, OpType.user, 1), 1000,
          Duration.ofMillis(300), Duration.ofSeconds(5), 0, Duration.ofMillis(100), Duration.ofSeconds(1));
      RunClock clock = RunClock.startingNow();
      Http http = new Http(node -> "http://127.0.0.1:" + (node == 1 ? port : paused.getLocalPort()));
      LoadGenerator load = new LoadGenerator(http, spec, GRAPH, 2, true, new LagProbe(http, GRAPH, 2, spec, clock, 1));
      List<Op> history = load.run(clock, 2000, true, "p", 9);
      assertEquals(100, history.size());
      assertTrue(history.stream().allMatch(op -> op.outcome() == Outcome.ok), "every operation served by node 1 in the end");
      List<Op> late = history.stream().filter(op -> op.intendedMs() >= 1000).toList();
      assertTrue(late.stream().allMatch(op -> op.attempts() == 1),
          "a second after node 2 stopped answering, nothing is sent to it first");
    }
  }
}
