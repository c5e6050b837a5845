package dev.timeline.node;

import akka.Done;
import akka.NotUsed;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.settings.ServerSettings;
import akka.stream.KillSwitches;
import akka.stream.Materializer;
import akka.stream.SharedKillSwitch;
import akka.stream.TLSProtocol.SslTlsInbound;
import akka.stream.TLSProtocol.SslTlsOutbound;
import akka.stream.javadsl.BidiFlow;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.TLSPlacebo;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import dev.timeline.core.TimelineSettings;
import dev.timeline.core.Users;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds routes and ties each binding's lifetime to the actor system's.
 *
 * <p>Each port is Akka HTTP's own server layer ({@link Http#serverLayer}: parsing, rendering,
 * request timeouts, pipelining) over a TCP binding, with one stage below it, {@link OriginForm},
 * that turns absolute-form request targets into origin form before Akka's parser sees them (Akka
 * HTTP 10.2 refuses such a target whose authority differs from the Host header, before any route
 * runs; HTTP/1.1 says the target wins and the Host header is ignored). {@code newServerAt(...).bind}
 * has no place for a stage under the parser, so this class also does the little it did around the
 * layer: the connection limit, the idle timeout, and unbind-then-drain in coordinated shutdown.
 */
public final class HttpServer {
  private HttpServer() {}

  /** How long requests in flight may still finish once shutdown has stopped accepting new ones. */
  private static final Duration DRAIN = Duration.ofSeconds(3);

  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  /** A bound port. */
  public record Binding(InetSocketAddress localAddress) {}

  /** Binds the public port of this node ({@link NodeRoutes#publicPort}) on {@code host:port} (port 0 picks a free one). */
  public static CompletionStage<Binding> start(ActorSystem<?> system, NodeSettings settings, String host, int port) {
    return start(system, settings, new Users(system, settings.core()), host, port, new NodeMetrics(system, settings, new PrometheusRegistry()));
  }

  /**
   * Binds the public port of this node with {@code metrics}: its {@code /metrics/prometheus}, and
   * every request counted and timed, as the client saw it (outside {@link ApiError#handled}).
   */
  public static CompletionStage<Binding> start(ActorSystem<?> system, NodeSettings settings, Users users, String host, int port,
      NodeMetrics metrics) {
    Route api = NodeRoutes.publicPort(system, settings, users, metrics);
    return bind(system, "HTTP API", host, port, metrics.instrumented(ApiError.handled(() -> api)));
  }

  /**
   * Binds {@code route}; {@code what} names it in the log. Every port answers rejections and
   * failures with the API's JSON error document ({@link ApiError#handled}), applied once here
   * around the whole route: inside a {@code concat} it would stop the alternatives after the first.
   * Requests Akka's parser refuses before any route runs get the same document from
   * {@link ParseErrors}.
   */
  public static CompletionStage<Binding> start(ActorSystem<?> system, String what, String host, int port, Route route) {
    return bind(system, what, host, port, ApiError.handled(() -> route));
  }

  /** Binds {@code route} as it is (its errors already handled). */
  private static CompletionStage<Binding> bind(ActorSystem<?> system, String what, String host, int port, Route route) {
    akka.actor.ActorSystem classic = Adapter.toClassic(system);
    ServerSettings settings = ServerSettings.create(classic);
    Flow<HttpRequest, HttpResponse, NotUsed> handler = route.flow(system);
    SharedKillSwitch connections = KillSwitches.shared("http-" + host + "-" + port);
    AtomicInteger inFlight = new AtomicInteger();
    scala.concurrent.duration.Duration idle = settings.getTimeouts().idleTimeout();
    Optional<Duration> idleTimeout = idle.isFinite() ? Optional.of(Duration.ofNanos(idle.toNanos())) : Optional.empty();

    var bound = Tcp.get(system).bind(host, port, settings.getBacklog(), settings.getSocketOptions(), false, idleTimeout)
        .mapAsyncUnordered(settings.getMaxConnections(), connection -> {
          AtomicInteger open = new AtomicInteger(); // requests of this connection not yet answered
          Flow<HttpRequest, HttpResponse, NotUsed> counted = Flow.of(HttpRequest.class)
              .map(request -> {
                open.incrementAndGet();
                inFlight.incrementAndGet();
                return request;
              })
              .via(handler)
              .map(response -> {
                open.decrementAndGet();
                inFlight.decrementAndGet();
                return response;
              });
          BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> stack =
              Http.get(classic).serverLayer(settings, Optional.of(connection.remoteAddress()))
                  .atop(tlsPlacebo())
                  .atop(BidiFlow.fromFlows(Flow.<ByteString>create(), originForm()));
          Flow<ByteString, ByteString, CompletionStage<Done>> wire = counted.join(stack)
              .via(connections.flow())
              .watchTermination(Keep.right());
          CompletionStage<Done> closed = connection.handleWith(wire, Materializer.matFromSystem(system));
          // A connection that closes with requests unanswered does not hold up the drain.
          return closed.handle((done, failure) -> {
            inFlight.addAndGet(-open.get());
            return Done.getInstance();
          });
        })
        .to(Sink.ignore())
        .run(system);

    return bound.thenApply(binding -> {
      CoordinatedShutdown shutdown = CoordinatedShutdown.get(classic);
      // Unbinds in coordinated shutdown's service-unbind phase, before the node leaves the
      // cluster, and drains open requests in service-requests-done.
      String name = "http-" + binding.localAddress().getPort();
      shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), name + "-unbind",
          () -> binding.unbind().thenApply(unbound -> Done.getInstance()));
      shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), name + "-drain", () -> drain(inFlight, connections));
      log.info("{} listening on http://{}:{}/", what, binding.localAddress().getHostString(), binding.localAddress().getPort());
      return new Binding(binding.localAddress());
    });
  }

  /** Plain bytes as Akka HTTP's layer wants them (SessionBytes is an SslTlsInbound; javac cannot see that through the generics). */
  @SuppressWarnings("unchecked")
  private static BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, NotUsed> tlsPlacebo() {
    return (BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, NotUsed>) (BidiFlow<?, ?, ?, ?, ?>) TLSPlacebo.getInstance();
  }

  /** One {@link OriginForm} per connection, under Akka's parser. */
  private static Flow<ByteString, ByteString, NotUsed> originForm() {
    return Flow.<ByteString>create().statefulMapConcat(() -> {
      OriginForm rewriter = new OriginForm();
      return bytes -> List.of(rewriter.feed(bytes));
    });
  }

  /** Waits up to {@link #DRAIN} for the requests in flight, then closes every connection. */
  private static CompletionStage<Done> drain(AtomicInteger inFlight, SharedKillSwitch connections) {
    return CompletableFuture.supplyAsync(() -> {
      long deadline = System.nanoTime() + DRAIN.toNanos();
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        try {
          TimeUnit.MILLISECONDS.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      connections.shutdown();
      return Done.getInstance();
    });
  }
}
