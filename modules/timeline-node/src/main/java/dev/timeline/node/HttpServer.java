package dev.timeline.node;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import dev.timeline.core.Users;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds routes and ties each binding's lifetime to the actor system's. */
public final class HttpServer {
  private HttpServer() {}

  /** How long requests in flight may still finish once shutdown has stopped accepting new ones. */
  private static final Duration DRAIN = Duration.ofSeconds(3);

  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  /** Binds the public API of this node on {@code host:port} (port 0 picks a free one). */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String host, int port) {
    return start(system, host, port, new NodeMetrics(system, new PrometheusRegistry()));
  }

  /**
   * Binds the public API of this node with {@code metrics}: its {@code /metrics/prometheus}, and
   * every request counted and timed, as the client saw it (outside {@link ApiError#handled}).
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String host, int port, NodeMetrics metrics) {
    Route api = new TimelineRoutes(system, new Users(system)).route();
    return bind(system, "HTTP API", host, port, metrics.instrumented(ApiError.handled(() -> Directives.concat(metrics.route(), api))));
  }

  /**
   * Binds {@code route}; {@code what} names it in the log. Every port answers rejections and
   * failures with the API's JSON error document ({@link ApiError#handled}), applied once here
   * around the whole route: inside a {@code concat} it would stop the alternatives after the first.
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String what, String host, int port, Route route) {
    return bind(system, what, host, port, ApiError.handled(() -> route));
  }

  private static CompletionStage<ServerBinding> bind(ActorSystem<?> system, String what, String host, int port, Route route) {
    return Http.get(system).newServerAt(host, port).bind(route)
        .whenComplete((binding, failure) -> {
          if (binding == null) return;
          // Unbinds in coordinated shutdown's service-unbind phase, before the node leaves the
          // cluster, and drains open requests in service-requests-done.
          binding.addToCoordinatedShutdown(DRAIN, system);
          var address = binding.localAddress();
          log.info("{} listening on http://{}:{}/", what, address.getHostString(), address.getPort());
        });
  }
}
