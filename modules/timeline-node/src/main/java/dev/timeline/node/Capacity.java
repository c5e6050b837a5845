package dev.timeline.node;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import akka.pattern.Patterns;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What a node admits, one per node, shared by the public API and the DeathStarBench routes.
 *
 * <p>At most {@code maxInProgress} requests are in progress (admitted and not yet answered, or
 * waiting their turn); one more is answered 503 at once. Past saturation a node's queue would
 * otherwise grow without bound: every request would wait behind all the others until the asks
 * time out, and the node would spend its CPU on answers no client waits for any more. Shed at
 * once, the excess costs almost nothing and says "try again" while the rest is served in time.
 * Off when 0.
 *
 * <p>At most {@code perSecond} requests start per second, the rest wait their turn in arrival
 * order, as on a server with a fixed CPU share. Nodes on one machine share its cores, so without
 * this adding a node adds no capacity and a node-count sweep would measure the machine, not the
 * cluster. Off (no waiting) when perSecond is 0.
 */
final class Capacity {
  private final long intervalNanos;
  private final long maxWaitNanos;
  private final int maxInProgress;
  private final ActorSystem<?> system;
  /** When the next request may start: the one piece of state every request on this node shares. */
  private final AtomicLong nextStart = new AtomicLong();
  /** Requests admitted and not answered yet, on this node. */
  private final AtomicInteger inProgress = new AtomicInteger();

  Capacity(ActorSystem<?> system, int perSecond, Duration maxWait, int maxInProgress) {
    this.system = system;
    this.intervalNanos = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
    this.maxWaitNanos = maxWait.toNanos();
    this.maxInProgress = maxInProgress;
  }

  static Capacity of(ActorSystem<?> system, NodeSettings settings) {
    return new Capacity(system, settings.capacity(), settings.capacityQueue(), settings.maxInProgress());
  }

  /**
   * {@code inner} once this request's turn has come; 503 when as many are in progress as this node
   * takes, or when the queue is full. A request stays in progress until its route has an answer
   * (a failure too: {@link ApiError#bugsAnswered} turns one thrown into an answer).
   */
  Route admitted(Supplier<Route> inner) {
    return Directives.extractRequestContext(request -> admitNow(inner)); // decided per request, wherever this route is built
  }

  private Route admitNow(Supplier<Route> inner) {
    if (maxInProgress <= 0) return inTurn(inner);
    if (inProgress.incrementAndGet() > maxInProgress) {
      inProgress.decrementAndGet();
      return ApiError.unavailable(maxInProgress + " requests in progress on this node, the most it takes"
          + " (timeline.http.max-in-progress), try again").route();
    }
    return OnAnswer.run((answered, failed) -> inProgress.decrementAndGet(), () -> ApiError.bugsAnswered(() -> inTurn(inner)));
  }

  /** {@code inner} once this request's turn has come; 503 when the queue is full. */
  private Route inTurn(Supplier<Route> inner) {
    return Directives.onSuccess(admit(), admitted -> admitted.isPresent()
        ? inner.get()
        : ApiError.unavailable("over this node's configured capacity, try again").route());
  }

  /** Requests in progress now (0 when not counted: no bound). */
  int inProgress() {
    return inProgress.get();
  }

  /** Completes when the request may start, or empty when its wait would exceed the queue bound. */
  CompletionStage<Optional<Duration>> admit() {
    if (intervalNanos == 0) return CompletableFuture.completedFuture(Optional.of(Duration.ZERO));
    long now = System.nanoTime();
    long start;
    do { // a refused request takes no slot (giving one back later would hand out extra ones)
      long next = nextStart.get();
      start = Math.max(next, now);
      if (start - now > maxWaitNanos) return CompletableFuture.completedFuture(Optional.empty());
      if (nextStart.compareAndSet(next, start + intervalNanos)) break;
    } while (true);
    long wait = start - now;
    if (wait == 0) return CompletableFuture.completedFuture(Optional.of(Duration.ZERO));
    Duration waited = Duration.ofNanos(wait);
    return Patterns.after(waited, system.classicSystem().scheduler(), system.executionContext(),
        () -> CompletableFuture.completedFuture(Optional.of(waited)));
  }
}
