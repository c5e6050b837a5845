package dev.timeline.lab;

import dev.timeline.lab.history.LagSample;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fan-out lag: for a sample of acknowledged posts, polls one follower's home timeline until the
 * tweet shows up (or the lag timeout passes). At most {@link #MAX_WATCHED} posts are watched at
 * once, so the probe's own reads stay a small part of the load; a post sampled while the probe is
 * full is counted in {@link #skipped}. A poll that is not answered 200 (the node is down, starting
 * or overloaded) backs off, doubling up to {@link #MAX_BACKOFF_MS}, as a client told to retry
 * later would: at the poll interval, 64 watched posts could send 640 reads a second at nodes that
 * are starting after a power loss, twenty times the load of a 30 req/s run.
 */
final class LagProbe implements AutoCloseable {
  static final int MAX_WATCHED = 64;
  static final long MAX_BACKOFF_MS = 1_000;

  private final Http http;
  private final Graph graph;
  private final int nodes;
  private final Experiment.LoadSpec spec;
  private final RunClock clock;
  private final Random random;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "lag-probe");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger watched = new AtomicInteger();
  private final ConcurrentLinkedQueue<LagSample> samples = new ConcurrentLinkedQueue<>();
  private final AtomicInteger skipped = new AtomicInteger();

  LagProbe(Http http, Graph graph, int nodes, Experiment.LoadSpec spec, RunClock clock, long seed) {
    this.http = http;
    this.graph = graph;
    this.nodes = nodes;
    this.spec = spec;
    this.clock = clock;
    this.random = new Random(seed);
  }

  void maybeWatch(String tweetId, int author, double ackedMs) {
    int followers = graph.followerCount(author);
    String follower;
    synchronized (random) {
      if (followers == 0 || random.nextDouble() >= spec.lagSample()) return;
      follower = graph.id(graph.follower(author, random.nextInt(followers)));
    }
    if (watched.incrementAndGet() > MAX_WATCHED) {
      watched.decrementAndGet();
      skipped.incrementAndGet();
      return;
    }
    poll(tweetId, graph.id(author), follower, ackedMs, 0, 0);
  }

  /** How long to wait before the next poll: the poll interval after a 200, else twice the last wait, at most MAX_BACKOFF_MS. */
  static long nextDelayMs(Http.Answer answer, long lastDelayMs, long intervalMs) {
    if (answer.is(200)) return intervalMs;
    return Math.max(intervalMs, Math.min(MAX_BACKOFF_MS, 2 * lastDelayMs));
  }

  private void poll(String tweetId, String author, String follower, double ackedMs, int round, long lastDelayMs) {
    int node = (round % nodes) + 1;
    NodeApi.Request request = NodeApi.homeTimeline(follower, 50, null);
    http.send(node, request, Duration.ofSeconds(2))
        .thenAccept(answer -> {
          double now = clock.ms();
          boolean visible = answer.is(200) && seen(request, answer, tweetId);
          if (visible || now - ackedMs > spec.lagTimeout().toMillis()) {
            samples.add(new LagSample(tweetId, author, follower, ackedMs, visible ? now : null));
            watched.decrementAndGet();
          } else {
            long delayMs = nextDelayMs(answer, lastDelayMs, spec.lagPollInterval().toMillis());
            timer.schedule(() -> poll(tweetId, author, follower, ackedMs, round + 1, delayMs), delayMs, TimeUnit.MILLISECONDS);
          }
        });
  }

  /** Whether the page has the tweet; a page not in the contract's shape has not (the poll goes on). */
  private static boolean seen(NodeApi.Request request, Http.Answer page, String tweetId) {
    try {
      return NodeApi.Page.read(request, page.body()).ids().contains(tweetId);
    } catch (NodeApi.BadReply bad) {
      return false;
    }
  }

  /** Stops watching: posts still watched get no sample. */
  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** Waits (bounded by the lag timeout) for the posts still watched, then returns every sample. */
  List<LagSample> awaitSamples() {
    long deadline = System.nanoTime() + spec.lagTimeout().toNanos() + Duration.ofSeconds(5).toNanos();
    while (watched.get() > 0 && System.nanoTime() < deadline) java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
    return List.copyOf(samples);
  }

  /** Posts sampled while the probe was full, so not watched. */
  int skipped() {
    return skipped.get();
  }
}
