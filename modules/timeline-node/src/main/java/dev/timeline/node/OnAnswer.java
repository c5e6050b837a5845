package dev.timeline.node;

import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.server.RouteResult;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A callback once a route has its answer (or has failed), run on the thread that completed it.
 *
 * <p>Akka HTTP's Java DSL hands a route's result over as a scala-java8-compat stage, whose
 * {@code whenComplete} is its {@code whenCompleteAsync} on the common pool. With 2 cores that pool
 * has parallelism 1, and CompletableFuture then starts a new thread for every callback: one per
 * request and per callback here, which async-profiler put at a third of the entry node's CPU under
 * home reads. The callbacks here are counters, cheap enough to run in place (as {@link
 * dev.timeline.core.Users#plain} does for asks, on the dispatcher).
 */
final class OnAnswer {
  private OnAnswer() {}

  static Route run(BiConsumer<? super RouteResult, ? super Throwable> callback, Supplier<Route> inner) {
    return Directives.mapRouteResultFuture(result -> result.whenCompleteAsync(callback, Runnable::run), inner);
  }
}
