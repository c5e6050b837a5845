package dev.timeline.lab.dash;

import dev.timeline.lab.Http;
import dev.timeline.lab.NodeApi;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The load button: a steady mix at a chosen rate through the lab's {@link Http} client (10 %
 * posts, 60 % home-timeline reads, 30 % user-timeline reads) over {@value #USERS} users who follow
 * each other, registered first. Requests go round-robin to the nodes whose process runs, as the
 * dashboard last read the run directory (like a balancer that knows which processes live; a
 * paused node gets requests until the next poll, and a crashed node's users wait for failover,
 * which is what its users see). A request is sent
 * when due (an open model) unless {@value #MAX_IN_FLIGHT} are in flight, then it fails at once.
 */
final class SteadyLoad {
  static final int USERS = 60;
  static final int FOLLOWS = 5;
  static final int MAX_IN_FLIGHT = 200;
  static final int REGISTER_IN_FLIGHT = 8;
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final Http http;
  private final ScheduledExecutorService timer;
  /** The node indexes to send to. */
  private final Supplier<int[]> nodes;
  private final Random random = new Random();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong sent = new AtomicLong(), ok = new AtomicLong(), failed = new AtomicLong();
  private volatile ScheduledFuture<?> ticks;
  private volatile double rate;
  private volatile String phase = "stopped";
  private long next;

  SteadyLoad(Http http, ScheduledExecutorService timer, Supplier<int[]> nodes) {
    this.http = http;
    this.timer = timer;
    this.nodes = nodes;
  }

  /** Registers the users (once per start), then sends {@code perSecond} requests/s until {@link #stop}. */
  synchronized void start(double perSecond) {
    if (perSecond <= 0 || perSecond > 2000) throw new IllegalArgumentException("rate must be 1..2000 requests/s");
    stop();
    rate = perSecond;
    phase = "registering " + USERS + " users";
    long period = Math.max(1, Math.round(1_000_000 / perSecond));
    CompletableFuture.runAsync(this::register, timer).whenComplete((v, e) -> {
      synchronized (this) {
        if (!phase.startsWith("registering")) return;  // stopped meanwhile
        phase = e == null ? "running" : "running (registration: " + e.getMessage() + ")";
        ticks = timer.scheduleAtFixedRate(this::tick, 0, period, TimeUnit.MICROSECONDS);
      }
    });
  }

  synchronized void stop() {
    if (ticks != null) ticks.cancel(false);
    ticks = null;
    phase = "stopped";
  }

  /** Answers so far: ok and failed (a snapshot of the counters). */
  record Answers(long ok, long failed) {}

  Answers answers() {
    return new Answers(ok.get(), failed.get());
  }

  Map<String, Object> state() {
    return Map.of("phase", phase, "rate", rate, "sent", sent.get(), "ok", ok.get(), "failed", failed.get(), "inFlight", inFlight.get());
  }

  /**
   * Registers the users and their follows, {@value #REGISTER_IN_FLIGHT} requests at a time (a
   * burst of hundreds on a cluster that just started times out), each tried twice; users or
   * follows that still fail are left out, the load goes on.
   */
  private void register() {
    int[] targets = targets();
    record Call(NodeApi.Request request, int target) {}
    java.util.List<Call> calls = new java.util.ArrayList<>();
    for (int u = 0; u < USERS; u++) calls.add(new Call(NodeApi.register(user(u), "Dashboard user " + u), u % targets.length));
    for (int u = 0; u < USERS; u++)
      for (int k = 1; k <= FOLLOWS; k++) calls.add(new Call(NodeApi.follow(user(u), user((u + k * 7) % USERS)), u % targets.length));
    for (int from = 0; from < calls.size(); from += REGISTER_IN_FLIGHT) {
      if (!phase.startsWith("registering")) return;
      java.util.List<CompletableFuture<Http.Answer>> batch = new java.util.ArrayList<>();
      for (Call c : calls.subList(from, Math.min(calls.size(), from + REGISTER_IN_FLIGHT))) {
        int k = c.target();
        batch.add(http.send(targets[k], c.request(), TIMEOUT).thenCompose(a -> a.status() >= 200 && a.status() < 300
            ? CompletableFuture.completedFuture(a) : http.send(targets[(k + 1) % targets.length], c.request(), TIMEOUT)));
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
    }
  }

  private int[] targets() {
    int[] t = nodes.get();
    return t.length == 0 ? new int[] {1} : t;
  }

  private static String user(int u) {
    return "dash-" + u;
  }

  private void tick() {
    sent.incrementAndGet();
    if (inFlight.get() >= MAX_IN_FLIGHT) {
      failed.incrementAndGet();
      return;
    }
    int[] targets = targets();
    int node = targets[(int) (next++ % targets.length)];
    int pick = random.nextInt(10);
    String user = user(random.nextInt(USERS));
    CompletableFuture<Http.Answer> call = pick == 0
        ? http.send(node, NodeApi.post(user, "live from the dashboard " + sent.get(), null), TIMEOUT)
        : http.send(node, pick <= 6 ? NodeApi.homeTimeline(user, 20, null) : NodeApi.ownTimeline(user, 20, null), TIMEOUT);
    inFlight.incrementAndGet();
    call.whenComplete((a, e) -> {
      inFlight.decrementAndGet();
      if (a != null && a.status() >= 200 && a.status() < 300) ok.incrementAndGet();
      else failed.incrementAndGet();
    });
  }
}
