package dev.timeline.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Loads a graph into the cluster through the public API: every user, then every follow, many
 * requests in flight, retrying what the cluster could not take right now, with a progress line.
 */
final class GraphLoader {
  private final Http http;
  private final int nodes;
  private final int concurrency;

  GraphLoader(Http http, int nodes, int concurrency) {
    this.http = http;
    this.nodes = nodes;
    this.concurrency = concurrency;
  }

  void load(Graph graph) {
    List<String> users = graph.users();
    run("users", users.size(), i -> new Request("POST", "/users",
        Http.json(Map.of("id", users.get(i), "name", "User " + users.get(i))), 201, 200));
    List<String[]> follows = new ArrayList<>();
    graph.followersOf().forEach((followee, followers) -> followers.forEach(f -> follows.add(new String[] {f, followee})));
    run("follows", follows.size(), i -> new Request("PUT",
        "/users/" + follows.get(i)[0] + "/following/" + follows.get(i)[1], null, 204, 204));
  }

  private record Request(String method, String path, String body, int ok, int alsoOk) {}

  private void run(String what, int count, IntFunction<Request> request) {
    Semaphore permits = new Semaphore(concurrency);
    AtomicLong done = new AtomicLong();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    long lastPrint = 0;
    for (int i = 0; i < count && failures.isEmpty(); i++) {
      permits.acquireUninterruptibly();
      Request r = request.apply(i);
      attempt(r, i % nodes + 1, 1).whenComplete((error, e) -> {
        if (error != null) failures.add(error);
        done.incrementAndGet();
        permits.release();
      });
      if (System.nanoTime() - lastPrint > 1_000_000_000L) {
        lastPrint = System.nanoTime();
        System.out.printf("\r  loading %s: %d / %d", what, done.get(), count);
      }
    }
    permits.acquireUninterruptibly(concurrency);
    permits.release(concurrency);
    if (!failures.isEmpty()) throw new IllegalStateException("loading " + what + " failed: " + failures.get(0));
    System.out.printf("\r  loading %s: %d / %d in %.1f s%n", what, count, count, (System.nanoTime() - start) / 1e9);
  }

  /** Completes with null when done, or with what went wrong after five attempts. */
  private CompletableFuture<String> attempt(Request r, int node, int attempt) {
    return http.send(node, r.method(), r.path(), r.body(), Duration.ofSeconds(10)).thenCompose(answer -> {
      if (answer.is(r.ok()) || answer.is(r.alsoOk())) return CompletableFuture.completedFuture(null);
      String error = r.method() + " " + r.path() + " -> " + (answer.status() == 0 ? answer.error() : answer.status() + " " + answer.body());
      if (attempt >= 5 || (answer.status() >= 400 && answer.status() < 500)) return CompletableFuture.completedFuture(error);
      return attempt(r, node % nodes + 1, attempt + 1);
    });
  }
}
