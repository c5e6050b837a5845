package dev.timeline.node;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import akka.pattern.Patterns;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A node's configured service capacity: at most {@code perSecond} requests start per second,
 * the rest wait their turn in arrival order, as on a server with a fixed CPU share. Nodes on one
 * machine share its cores, so without this adding a node adds no capacity and a node-count sweep
 * would measure the machine, not the cluster. Off (no waiting) when perSecond is 0. One per node,
 * shared by the public API and the DeathStarBench routes.
 */
final class Capacity {
  private final long intervalNanos;
  private final long maxWaitNanos;
  private final ActorSystem<?> system;
  /** When the next request may start: the one piece of state every request on this node shares. */
  private final AtomicLong nextStart = new AtomicLong();

  Capacity(ActorSystem<?> system, int perSecond, Duration maxWait) {
    this.system = system;
    this.intervalNanos = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
    this.maxWaitNanos = maxWait.toNanos();
  }

  static Capacity of(ActorSystem<?> system, NodeSettings settings) {
    return new Capacity(system, settings.capacity(), settings.capacityQueue());
  }

  /** {@code inner} once this request's turn has come; 503 when the queue is full. */
  Route admitted(Supplier<Route> inner) {
    return Directives.onSuccess(admit(), admitted -> admitted.isPresent()
        ? inner.get()
        : ApiError.unavailable("over this node's configured capacity, try again").route());
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
