package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Users with a fixed follow graph, a client that posts continuously and retries with the same
 * request id (so a post is acknowledged once or reported unknown), and the end-of-run check
 * that every acknowledged tweet is in every follower's home timeline exactly once.
 */
final class Workload {
  record Acked(String author, String tweetId) {}

  final List<String> users;
  final Map<String, List<String>> followersOf = new HashMap<>();

  /** Registers {@code count} users; user k follows the next {@code follows} users (mod count). */
  Workload(String prefix, int count, int follows, int node) {
    users = IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    users.forEach(u -> followersOf.put(u, new ArrayList<>()));
    for (String u : users) {
      Api.Response r = Api.registerRetrying(node, u);
      assertEquals(201, r.status(), () -> "register " + u + " at node " + node + ": " + r);
    }
    for (int k = 0; k < count; k++)
      for (int j = 1; j <= follows; j++) {
        String follower = users.get(k), followee = users.get((k + j) % count);
        Api.Response r = Api.untilServed(() -> Api.follow(node, follower, followee));
        assertEquals(204, r.status(), () -> follower + " follows " + followee + ": " + r);
        followersOf.get(followee).add(follower);
      }
  }

  /** Starts every user's entity, so that each lives on some node before a fault. */
  void touchAll(int node) {
    for (String u : users) {
      Api.Response r = Api.profile(node, u, Duration.ofSeconds(10));
      assertEquals(200, r.status(), () -> "profile of " + u + ": " + r);
    }
  }

  /** Posts from {@code threads} threads, round-robin over the authors, to the nodes {@code targets} names. */
  final class Poster implements AutoCloseable {
    final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    final AtomicInteger unknown = new AtomicInteger();
    final AtomicInteger failedAttempts = new AtomicInteger();
    final ConcurrentLinkedQueue<String> wrongAnswers = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final Supplier<List<Integer>> targets;

    Poster(String runId, int threadCount, Supplier<List<Integer>> targets) {
      this.targets = targets;
      for (int t = 0; t < threadCount; t++) {
        int thread = t;
        Thread worker = new Thread(() -> postLoop(runId + "-" + thread, thread, threadCount), "poster-" + t);
        worker.setDaemon(true);
        threads.add(worker);
        worker.start();
      }
    }

    private void postLoop(String requestPrefix, int offset, int stride) {
      int n = 0;
      for (int i = offset; running.get(); i += stride, n++) {
        String author = users.get(i % users.size());
        String requestId = requestPrefix + "-" + n;
        Instant giveUp = Instant.now().plusSeconds(30);
        boolean done = false;
        for (int attempt = 0; !done && Instant.now().isBefore(giveUp); attempt++) {
          List<Integer> nodes = targets.get();
          int node = nodes.get((i + attempt) % nodes.size());
          Api.Response r = Api.post(node, author, "post " + requestId, requestId);
          if (r.status() == 201) {
            acked.add(new Acked(author, r.body().get("tweetId").asText()));
            done = true;
          } else if (r.status() == 503 || r.status() == 0) {
            failedAttempts.incrementAndGet(); // not applied or unknown: retry with the same request id
          } else {
            wrongAnswers.add(r.status() + " " + r.body());
            done = true;
          }
        }
        if (!done) unknown.incrementAndGet();
        pause(20);
      }
    }

    /** Stops posting and waits for the posts in flight; also when a test failed. */
    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) t.join(Duration.ofSeconds(60).toMillis());
    }

    /** After close: every post was acknowledged, and none was refused for a reason other than 503. */
    List<Acked> assertAllAcknowledged() {
      assertTrue(wrongAnswers.isEmpty(), "posts answered with neither 201 nor 503: " + wrongAnswers);
      assertEquals(0, unknown.get(), "posts neither acknowledged nor refused within 30 s of retries");
      return List.copyOf(acked);
    }
  }

  /**
   * Waits until every follower's home timeline (read through {@code node}) holds every acknowledged
   * tweet of its followees, and asserts no tweet appears twice.
   */
  void awaitDelivered(List<Acked> acked, int node, Duration timeout) {
    Map<String, Set<String>> expected = new HashMap<>();
    for (Acked a : acked)
      for (String follower : followersOf.get(a.author())) expected.computeIfAbsent(follower, f -> new HashSet<>()).add(a.tweetId());
    Instant deadline = Instant.now().plus(timeout);
    Map<String, Integer> missing = new HashMap<>();
    do {
      missing.clear();
      for (var e : expected.entrySet()) {
        List<String> home = Api.homeTimeline(node, e.getKey());
        if (home == null) {
          missing.put(e.getKey(), -1);
          continue;
        }
        assertEquals(home.size(), new HashSet<>(home).size(), e.getKey() + "'s home timeline has a tweet twice: " + home);
        Set<String> absent = new HashSet<>(e.getValue());
        home.forEach(absent::remove);
        if (!absent.isEmpty()) missing.put(e.getKey(), absent.size());
      }
      if (missing.isEmpty()) return;
      pause(500);
    } while (Instant.now().isBefore(deadline));
    throw new AssertionError("acknowledged tweets missing after " + timeout + " (user -> count, -1 = unreadable): " + missing);
  }

  /**
   * Asks every user's profile through {@code node}, each in its own loop, until each has answered
   * 200 once; returns the time from {@code since} to the last of those first answers.
   */
  Duration timeUntilAllAnswer(int node, Instant since, Duration timeout) {
    ExecutorService pool = Executors.newFixedThreadPool(users.size());
    try {
      List<CompletableFuture<Instant>> firstAnswers = users.stream()
          .map(u -> CompletableFuture.supplyAsync(() -> {
            Instant deadline = since.plus(timeout);
            while (Instant.now().isBefore(deadline)) {
              if (Api.profile(node, u, Duration.ofSeconds(2)).status() == 200) return Instant.now();
              pause(100);
            }
            throw new AssertionError(u + " did not answer within " + timeout);
          }, pool))
          .toList();
      Instant last = firstAnswers.stream().map(CompletableFuture::join).max(Instant::compareTo).orElseThrow();
      return Duration.between(since, last);
    } finally {
      pool.shutdownNow();
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
