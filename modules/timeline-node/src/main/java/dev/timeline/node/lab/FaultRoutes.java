package dev.timeline.node.lab;

import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.http.javadsl.marshalling.Marshaller;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.remote.RemoteActorRefProvider;
import akka.remote.RemoteTransport;
import akka.remote.artery.ArteryTransport;
import akka.remote.transport.ThrottlerTransportAdapter;
import dev.timeline.node.ApiError;
import dev.timeline.node.Replies;
import java.util.concurrent.CompletionStage;
import scala.compat.java8.FutureConverters;

import static akka.http.javadsl.server.PathMatchers.segment;

/**
 * Fault injection for the local lab, served on the admin port and only when a node runs with
 * {@code --fault-injection} (which also turns on Artery's test mode). It cuts this node's links
 * to chosen peers with Artery's blackhole: messages both ways are dropped, as in a network
 * partition, while the processes keep running.
 *
 * <pre>
 * PUT    /faults/blackhole/{host}:{port}    204 drop all traffic to and from that Artery address
 * DELETE /faults/blackhole/{host}:{port}    204 let it through again
 * GET    /faults/delay                      200 {"delayMs":N}
 * PUT    /faults/delay/{ms}                 204 hold every message to this node for ms, 0..60000 (see {@link LinkDelay})
 * DELETE /faults/delay                      204 no delay
 * </pre>
 *
 * <p>Errors are the API's JSON document (400 for a bad address or delay), like every port's.
 *
 * <p>A blackhole is kept per address, not per incarnation: a peer restarted on the same port stays
 * cut off until its address is healed, so whoever heals names every address it cut (Artery does
 * not list them).
 *
 * <p>Artery's test-mode commands are internal API of Akka 2.6; this class is the only user.
 */
public final class FaultRoutes extends AllDirectives {

  /** Scala's Direction.Both, which javac cannot name (a nested object of a companion object). */
  private static final ThrottlerTransportAdapter.Direction BOTH_WAYS = bothWays();

  private static ThrottlerTransportAdapter.Direction bothWays() {
    try {
      return (ThrottlerTransportAdapter.Direction)
          Class.forName("akka.remote.transport.ThrottlerTransportAdapter$Direction$Both$").getField("MODULE$").get(null);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  public record Delay(long delayMs) {}

  static final int MAX_DELAY_MS = 60_000;

  private final ActorSystem<?> system;
  /** The one JSON writer ({@link Replies#json}), made once: a reply reuses it. */
  private final Marshaller<Object, RequestEntity> json;
  private final ArteryTransport transport;
  private final LinkDelay linkDelay;

  /** {@code linkDelay}: the relay NodeMain started in front of Artery (null where no test sets a delay). */
  public FaultRoutes(ActorSystem<?> system, LinkDelay linkDelay) {
    this.system = system;
    this.json = Replies.json(system);
    this.linkDelay = linkDelay;
    RemoteTransport remote = ((RemoteActorRefProvider) Adapter.toClassic(system).provider()).transport();
    // Artery's own parsed settings: without test mode its blackhole commands do nothing.
    if (!(remote instanceof ArteryTransport artery) || !artery.settings().Advanced().TestMode())
      throw new IllegalStateException("fault injection needs Artery with akka.remote.artery.advanced.test-mode = on");
    this.transport = artery;
  }

  public Route route() {
    return pathPrefix("faults", () -> concat(blackhole(), delay()));
  }

  private Route delay() {
    return pathPrefix("delay", () -> concat(
        pathEnd(() -> concat(
            get(() -> completeOK(new Delay(linkDelay.delay().toMillis()), json)),
            delete(() -> {
              linkDelay.setDelay(java.time.Duration.ZERO);
              return complete(StatusCodes.NO_CONTENT);
            }))),
        path(segment(), ms -> put(() -> {
          // Digits only, so "-5", "1e3" and numbers past a long are a 400 too, not an unmatched path.
          if (!ms.matches("\\d{1,5}") || Integer.parseInt(ms) > MAX_DELAY_MS)
            return ApiError.badRequest("delay must be 0.." + MAX_DELAY_MS + " ms, not '" + ApiError.abbreviate(ms) + "'").route();
          linkDelay.setDelay(java.time.Duration.ofMillis(Integer.parseInt(ms)));
          return complete(StatusCodes.NO_CONTENT);
        }))));
  }

  private Route blackhole() {
    return pathPrefix("blackhole", () ->
        path(segment(), peer -> {
          Address address = artery(peer);
          if (address == null)
            return ApiError.badRequest("peer must be HOST:PORT of an Artery address, not '" + ApiError.abbreviate(peer) + "'").route();
          return concat(
              put(() -> onSuccess(set(address, ThrottlerTransportAdapter.Blackhole$.MODULE$), done -> complete(StatusCodes.NO_CONTENT))),
              delete(() -> onSuccess(set(address, ThrottlerTransportAdapter.Unthrottled$.MODULE$), done -> complete(StatusCodes.NO_CONTENT))));
        }));
  }

  private CompletionStage<Object> set(Address peer, ThrottlerTransportAdapter.ThrottleMode mode) {
    var command = new ThrottlerTransportAdapter.SetThrottle(peer, BOTH_WAYS, mode);
    return FutureConverters.toJava(transport.managementCommand(command));
  }

  /** {@code host:port} with a host name or IPv4 address and a port 1..65535, else null. */
  private Address artery(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 1 || !hostPort.substring(0, colon).matches("[A-Za-z0-9.-]{1,253}")
        || !hostPort.substring(colon + 1).matches("\\d{1,5}")) return null;
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    return port >= 1 && port <= 65_535 ? new Address("akka", system.name(), hostPort.substring(0, colon), port) : null;
  }

}
