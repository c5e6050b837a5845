package dev.timeline.lab;

import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The open-model client. Operations are due at a constant rate whatever the cluster does; each is
 * sent when due (or fails at once if the in-flight bound is reached), and its latency counts from
 * when it was due. A post ends ok (201), fail (definitely not applied) or info (unknown: a 503 or
 * a timeout may hide a durable write). The resilient profile retries a post with its request id,
 * and a read on another node, within the retry budget, and, like a load balancer with health
 * checks, sends nothing first to a node that left a request unanswered until its /health answers
 * again; the naive profile does neither.
 */
final class LoadGenerator implements AutoCloseable {
  private final Http http;
  private final Experiment.LoadSpec spec;
  private final Graph graph;
  private final int nodes;
  private final boolean retry;
  private final LagProbe lagProbe;
  /** The live dashboard's tally of every completion, recorded or not; null when no page shows it. */
  private final LiveOutcomes live;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "load-retry");
    t.setDaemon(true);
    return t;
  });

  /** For the progress line: completions and non-ok completions so far, latencies since the last read. */
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong notOk = new AtomicLong();
  private final Recorder latencies = new Recorder(3);
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Per node: 1 while the resilient client avoids it (it left a request unanswered). */
  private final AtomicIntegerArray avoided;

  LoadGenerator(Http http, Experiment.LoadSpec spec, Graph graph, int nodes, boolean retry, LagProbe lagProbe) {
    this(http, spec, graph, nodes, retry, lagProbe, null);
  }

  LoadGenerator(Http http, Experiment.LoadSpec spec, Graph graph, int nodes, boolean retry, LagProbe lagProbe, LiveOutcomes live) {
    this.live = live;
    this.http = http;
    this.spec = spec;
    this.graph = graph;
    this.nodes = nodes;
    this.retry = retry;
    this.lagProbe = lagProbe;
    this.avoided = new AtomicIntegerArray(nodes + 1);
    if (retry) timers.scheduleWithFixedDelay(this::probeAvoided, 500, 500, TimeUnit.MILLISECONDS);
  }

  /** So far: operations completed, those not ok, and the p99 latency (ms) of those completed since the last call. */
  record Progress(long completed, long notOk, double p99MsSinceLast) {}

  /** For the progress line (one reader: each call starts a new latency interval). */
  Progress progress() {
    Histogram interval = latencies.getIntervalHistogram();
    return new Progress(completed.get(), notOk.get(), interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0);
  }

  /** Ends its timers (retries, health checks): after {@link #run}, nothing is due any more. */
  @Override
  public void close() {
    timers.shutdownNow();
  }

  /** {@code preferred}, or with the resilient client the next node not being avoided. */
  private int choose(int preferred) {
    if (!retry) return preferred;
    for (int i = 0; i < nodes; i++) {
      int node = (preferred - 1 + i) % nodes + 1;
      if (avoided.get(node) == 0) return node;
    }
    return preferred;
  }

  /** The health check: an avoided node whose /health answers 200 gets requests again. */
  private void probeAvoided() {
    for (int node = 1; node <= nodes; node++) {
      int n = node;
      if (avoided.get(n) == 1)
        http.send(n, NodeApi.health(), Duration.ofSeconds(1)).thenAccept(a -> {
          if (a.is(200)) avoided.set(n, 0);
        });
    }
  }

  /**
   * Issues operations from {@code clock}'s zero for {@code durationMs}, then waits for those in
   * flight; returns their history in schedule order. With {@code record} off (warm-up) it is empty.
   */
  List<Op> run(RunClock clock, double durationMs, boolean record, String requestPrefix, long seed) {
    Queue<Op> history = record ? new ConcurrentLinkedQueue<>() : null;
    Random random = new Random(seed);
    int[] mix = {spec.mix().get(OpType.post), spec.mix().get(OpType.home), spec.mix().get(OpType.user)};
    int mixTotal = mix[0] + mix[1] + mix[2];
    double intervalMs = 1000.0 / spec.rate();
    double epochAtZeroMs = System.currentTimeMillis() - clock.ms();  // the live tally's seconds are the wall clock's
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (long id = 0; ; id++) {
      double intendedMs = id * intervalMs;
      if (intendedMs >= durationMs) break;
      long wait = clock.nanosAt(intendedMs) - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(wait);
      int pick = random.nextInt(mixTotal);
      OpType type = pick < mix[0] ? OpType.post : pick < mix[0] + mix[1] ? OpType.home : OpType.user;
      boolean celebrityPost = type == OpType.post && graph.celebrities() > 0 && random.nextDouble() < spec.celebrityPosts();
      int user = random.nextInt(celebrityPost ? graph.celebrities() : graph.size());
      Call call = new Call(id, type, user, intendedMs, type == OpType.post ? requestPrefix + "-" + id : null, clock, history,
          epochAtZeroMs);
      if (inFlight.get() >= spec.maxInFlight()) {
        call.finish(Outcome.fail, 0, 0, null, "in-flight bound reached", clock.ms(), false);
        continue;
      }
      inFlight.incrementAndGet();
      CompletableFuture<Void> done = new CompletableFuture<>();
      call.attempt(choose((int) (id % nodes) + 1), done);
      pending.add(done.whenComplete((v, e) -> inFlight.decrementAndGet()));
      if (pending.size() > 10_000) pending.removeIf(CompletableFuture::isDone);
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    return history == null ? List.of() : history.stream().sorted(Comparator.comparingLong(Op::id)).toList();
  }

  /** One operation through its attempts. */
  private final class Call {
    final long id;
    final OpType type;
    final int userIndex;
    final String user;
    final double intendedMs;
    final String requestId;
    final RunClock clock;
    /** Where it is recorded when done; null when nothing is (warm-up). */
    final Queue<Op> history;
    final double epochAtZeroMs;
    double invokeMs = -1;
    int attempts;
    boolean mayHaveApplied;

    Call(long id, OpType type, int user, double intendedMs, String requestId, RunClock clock, Queue<Op> history, double epochAtZeroMs) {
      this.id = id;
      this.type = type;
      this.userIndex = user;
      this.user = graph.id(user);
      this.intendedMs = intendedMs;
      this.requestId = requestId;
      this.clock = clock;
      this.history = history;
      this.epochAtZeroMs = epochAtZeroMs;
    }

    void attempt(int node, CompletableFuture<Void> done) {
      if (invokeMs < 0) invokeMs = clock.ms();
      attempts++;
      NodeApi.Request request = request();
      http.send(node, request, spec.requestTimeout()).whenComplete((answer, failure) -> {
        Http.Answer a = answer != null ? answer : new Http.Answer(0, null, String.valueOf(failure));
        double now = clock.ms();
        int expected = type == OpType.post ? 201 : 200;
        if (a.is(expected)) {
          String tweetId;
          boolean partial;
          try {
            tweetId = type == OpType.post ? NodeApi.Posted.read(request, a.body()).tweetId() : null;
            partial = type == OpType.home && NodeApi.Page.read(request, a.body()).partial();
          } catch (NodeApi.BadReply bad) { // a 201 may have made the post: unknown; a read: failed
            finish(type == OpType.post ? Outcome.info : Outcome.fail, a.status(), attempts, null, bad.getMessage(), now, false);
            done.complete(null);
            return;
          }
          finish(Outcome.ok, a.status(), attempts, tweetId, null, now, partial);
          if (tweetId != null && history != null) lagProbe.maybeWatch(tweetId, userIndex, now);
          done.complete(null);
          return;
        }
        if (a.status() == 0) avoided.set(node, 1);
        boolean clientError = a.status() >= 400 && a.status() < 500;
        // A 503 or a lost answer may hide a durable post; a refused connection cannot.
        if (type == OpType.post && (a.status() == 503 || (a.status() == 0 && !refused(a)))) mayHaveApplied = true;
        boolean budgetLeft = now - intendedMs < spec.retryBudget().toMillis();
        if (retry && !clientError && budgetLeft) {
          int next = choose(node % nodes + 1);
          // Around the ring once without waiting, then a short pause per round.
          long delayMs = attempts % nodes == 0 ? 200 : 0;
          timers.schedule(() -> attempt(next, done), delayMs, TimeUnit.MILLISECONDS);
          return;
        }
        String error = a.status() == 0 ? a.error() : a.status() + (NodeApi.error(a.body()) != null ? " " + NodeApi.error(a.body()) : "");
        finish(mayHaveApplied && !clientError ? Outcome.info : Outcome.fail, a.status(), attempts, null, error, now, false);
        done.complete(null);
      });
    }

    private NodeApi.Request request() {
      return switch (type) {
        case post -> NodeApi.post(user, "tweet " + requestId, requestId);
        case home -> NodeApi.homeTimeline(user, 20, null);
        case user -> NodeApi.ownTimeline(user, 20, null);
      };
    }

    void finish(Outcome outcome, int status, int attempts, String tweetId, String error, double completeMs, boolean partial) {
      completed.incrementAndGet();
      if (outcome != Outcome.ok) notOk.incrementAndGet();
      latencies.recordValue(Math.max(0, (long) ((completeMs - intendedMs) * 1000)));
      if (live != null) live.record(epochAtZeroMs + intendedMs, type, outcome, completeMs - intendedMs);
      if (history != null)
        history.add(new Op(id, type, user, intendedMs, invokeMs < 0 ? completeMs : invokeMs, completeMs, outcome, status,
            attempts, tweetId, requestId, error, partial));
    }
  }

  private static boolean refused(Http.Answer a) {
    return a.error() != null && a.error().startsWith("ConnectException");
  }
}
