package dev.timeline.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntUnaryOperator;

/**
 * Loads a graph through the nodes' bulk import (on their admin ports): every user, then who each
 * user follows, then each user's followers (both sides of a follow must be imported). Each phase
 * is cut into batches of consecutive users worth about {@code batchIds} ids (fewer when that
 * would leave a permit idle); a few batches are in
 * flight at once, spread round-robin over the nodes; a batch the cluster could not take (503, no
 * answer) is sent again to the next node, which is safe because the import has set semantics.
 * Prints a progress line with the rate and the time left.
 */
final class GraphLoader {
  /** How long one batch may keep failing with 503 or no answer before the load gives up. */
  static final Duration RETRY_BUDGET = Duration.ofMinutes(3);
  static final Duration BATCH_TIMEOUT = Duration.ofMinutes(2);
  /** The most users registered by one request. */
  static final int USER_BATCH = 100;

  private final Http admin;
  private final int nodes;
  private final int batchIds;
  private final int inFlight;
  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "import-retry");
    t.setDaemon(true);
    return t;
  });

  GraphLoader(Http admin, int nodes, int batchIds, int inFlight) {
    this.admin = admin;
    this.nodes = nodes;
    this.batchIds = batchIds;
    this.inFlight = inFlight;
  }

  /** What a load took: users and follows with the seconds each took (follows: both sides). */
  record LoadTimes(long users, double usersSeconds, long follows, double followsSeconds) {
    double usersPerSecond() {
      return users / usersSeconds;
    }

    double followsPerSecond() {
      return follows / followsSeconds;
    }
  }

  /** A run of consecutive users [from, to) sent as one request, carrying {@code ids} ids. */
  record Batch(int from, int to, long ids) {}

  /**
   * Cuts users 0..users-1 into consecutive batches of at most {@code maxIds} ids ({@code idsOf}
   * each), except that a user with more ids than that goes alone into one batch: the import takes
   * a huge list in one entry.
   */
  static List<Batch> plan(int users, IntUnaryOperator idsOf, int maxIds) {
    List<Batch> batches = new ArrayList<>();
    int from = 0;
    long ids = 0;
    for (int u = 0; u < users; u++) {
      int own = idsOf.applyAsInt(u);
      if (u > from && ids + own > maxIds) {
        batches.add(new Batch(from, u, ids));
        from = u;
        ids = 0;
      }
      ids += own;
    }
    if (users > from) batches.add(new Batch(from, users, ids));
    return batches;
  }

  /** Loads the graph; the retry timer ends with it. */
  LoadTimes load(Graph graph) {
    try {
      return loadAll(graph);
    } finally {
      retries.shutdownNow();
    }
  }

  private LoadTimes loadAll(Graph graph) {
    long t0 = System.nanoTime();
    // A user costs one persisted event while a follow list of any length costs one, so user
    // batches are kept small: the progress line then moves while users register.
    phase(NodeApi.Import.users, graph.size(), u -> 1, Math.min(batchIds, USER_BATCH), (json, from, to) -> {
      for (int u = from; u < to; u++) json.entry(graph.id(u)).string("User " + graph.id(u));
    });
    long t1 = System.nanoTime();
    Adjacency following = graph.following();
    phase(NodeApi.Import.following, graph.size(), following::degree, batchIds,
        (json, from, to) -> lists(json, graph, following, from, to));
    phase(NodeApi.Import.followers, graph.size(), graph::followerCount, batchIds, (json, from, to) -> {
      for (int u = from; u < to; u++) {
        if (graph.followerCount(u) == 0) continue;
        json.entry(graph.id(u)).beginList();
        for (int k = 0; k < graph.followerCount(u); k++) json.string(graph.id(graph.follower(u, k)));
        json.endList();
      }
    });
    long t2 = System.nanoTime();
    return new LoadTimes(graph.size(), (t1 - t0) / 1e9, graph.follows(), (t2 - t1) / 1e9);
  }

  private static void lists(JsonObject json, Graph graph, Adjacency rows, int from, int to) {
    for (int u = from; u < to; u++) {
      if (rows.degree(u) == 0) continue;
      json.entry(graph.id(u)).beginList();
      for (int k = 0; k < rows.degree(u); k++) json.string(graph.id(rows.neighbour(u, k)));
      json.endList();
    }
  }

  /** Writes the entries of users [from, to) of one batch. */
  private interface Body {
    void write(JsonObject json, int from, int to);
  }

  private void phase(NodeApi.Import what, int users, IntUnaryOperator idsOf, int maxPerBatch, Body body) {
    long total = 0;
    for (int u = 0; u < users; u++) total += idsOf.applyAsInt(u);
    // At least one batch per permit, so a small graph is spread over the nodes too.
    int perBatch = (int) Math.max(1, Math.min(maxPerBatch, (total + inFlight - 1) / inFlight));
    List<Batch> batches = plan(users, idsOf, perBatch);
    Progress progress = new Progress(what.name(), total);
    Semaphore permits = new Semaphore(inFlight);
    AtomicReference<String> failure = new AtomicReference<>();
    int next = 0;
    for (Batch batch : batches) {
      if (batch.ids() == 0) continue; // nobody in it follows or is followed
      permits.acquireUninterruptibly();
      if (failure.get() != null) {
        permits.release();
        break;
      }
      JsonObject json = new JsonObject();
      body.write(json, batch.from(), batch.to());
      String text = json.close();
      send(what.request(text), next++ % nodes + 1, System.nanoTime() + RETRY_BUDGET.toNanos(), 0).whenComplete((error, e) -> {
        if (error != null || e != null) failure.compareAndSet(null, error != null ? error : e.toString());
        else progress.add(batch.ids());
        permits.release();
      });
      progress.maybePrint();
    }
    while (!permits.tryAcquire(inFlight)) {
      progress.maybePrint();
      sleepQuietly(200);
    }
    permits.release(inFlight);
    if (failure.get() != null) throw new IllegalStateException("importing " + what + " failed: " + failure.get());
    progress.done();
  }

  /** Completes with null once the batch is in, or with why it could not be. */
  private CompletableFuture<String> send(NodeApi.Request request, int node, long deadlineNanos, int attempt) {
    return admin.send(node, request, BATCH_TIMEOUT).thenCompose(answer -> {
      if (answer.is(200)) return CompletableFuture.completedFuture(null);
      String error = request.line() + " on node " + node + " -> "
          + (answer.status() == 0 ? answer.error() : answer.status() + " " + answer.body());
      boolean transientFailure = answer.status() == 0 || answer.status() == 503;
      if (!transientFailure || System.nanoTime() > deadlineNanos) return CompletableFuture.completedFuture(error);
      long backoffMs = Math.min(5000, 250L << Math.min(attempt, 5));
      CompletableFuture<String> retried = new CompletableFuture<>();
      retries.schedule(() -> send(request, node % nodes + 1, deadlineNanos, attempt + 1)
          .whenComplete((r, e) -> {
            if (e != null) retried.completeExceptionally(e);
            else retried.complete(r);
          }), backoffMs, TimeUnit.MILLISECONDS);
      return retried;
    });
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while importing", e);
    }
  }

  /** The ids done so far in one phase, printed at most every two seconds with the rate and time left. */
  private static final class Progress {
    private final String what;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private long lastPrintNanos = System.nanoTime();

    Progress(String what, long total) {
      this.what = what;
      this.total = total;
    }

    void add(long ids) {
      done.addAndGet(ids);
    }

    void maybePrint() {
      if (System.nanoTime() - lastPrintNanos < 2_000_000_000L) return;
      lastPrintNanos = System.nanoTime();
      double seconds = (lastPrintNanos - startNanos) / 1e9;
      long d = done.get();
      double rate = d / seconds;
      Console.progress("importing %s: %,d / %,d ids (%.0f%%), %,.0f ids/s, ETA %s", what, d, total,
          100.0 * d / Math.max(1, total), rate, rate > 0 ? String.format(Locale.ROOT, "%.0f s", (total - d) / rate) : "?");
    }

    void done() {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      Console.progress("imported %s: %,d ids in %.1f s (%,.0f ids/s)", what, total, seconds, total / Math.max(1e-9, seconds));
    }
  }

  /**
   * A JSON object of id keys, written straight into a StringBuilder. User ids match
   * [A-Za-z0-9_-] and names are "User " + id, so nothing needs escaping.
   */
  static final class JsonObject {
    private final StringBuilder out = new StringBuilder(1 << 16).append('{');
    private boolean firstEntry = true;
    private boolean firstInList;

    JsonObject entry(String key) {
      if (!firstEntry) out.append(',');
      firstEntry = false;
      out.append('"').append(key).append("\":");
      return this;
    }

    JsonObject beginList() {
      out.append('[');
      firstInList = true;
      return this;
    }

    JsonObject string(String value) {
      if (firstInList) firstInList = false;
      else if (out.charAt(out.length() - 1) != ':') out.append(',');
      out.append('"').append(value).append('"');
      return this;
    }

    JsonObject endList() {
      out.append(']');
      return this;
    }

    String close() {
      return out.append('}').toString();
    }
  }
}
