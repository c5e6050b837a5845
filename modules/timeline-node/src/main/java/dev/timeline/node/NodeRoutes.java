package dev.timeline.node;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import dev.timeline.core.Users;
import dev.timeline.node.lab.FaultRoutes;
import dev.timeline.node.lab.ImportRoutes;
import dev.timeline.node.lab.JournalWriters;
import dev.timeline.node.lab.LinkDelay;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place that puts a node's route classes together, per port. {@link HttpServer} binds
 * what comes out, answering every rejection and failure with {@link ApiError}'s document.
 *
 * <pre>
 * public port (8080+i): {@link OpsRoutes} (/health, /metrics, /metrics/prometheus, /cluster),
 *                       {@link Wrk2Routes} (/wrk2-api/...), {@link TimelineRoutes} (/users/...)
 * admin port (8180+i):  {@link OpsRoutes#adminRoute} (/ready, /alive), and only when asked the
 *                       lab's endpoints of {@link dev.timeline.node.lab}
 * </pre>
 */
public final class NodeRoutes {
  private NodeRoutes() {}

  /**
   * The public port. One {@link Capacity} admits both the API's and DeathStarBench's requests;
   * request bodies beyond {@code timeline.http.max-body} are a 413 on all of it.
   */
  public static Route publicPort(ActorSystem<?> system, NodeSettings settings, Users users, NodeMetrics metrics) {
    Capacity capacity = Capacity.of(system, settings);
    return Directives.withSizeLimit(settings.maxBody(), () -> Directives.concat(
        new OpsRoutes(system, settings, metrics).route(),
        new Wrk2Routes(system, users, capacity).route(),
        new TimelineRoutes(system, users, capacity).route()));
  }

  /** An admin port's routes, and what they serve (for the log). */
  public record Admin(Route route, String what) {}

  /**
   * The admin port: readiness and liveness always; with {@code faultInjection} (the relay in front
   * of Artery) the fault endpoints and the journal writers report; with {@code bulkImport} the
   * graph import.
   */
  public static Admin adminPort(ActorSystem<?> system, NodeSettings settings, Users users,
      Optional<LinkDelay> faultInjection, boolean bulkImport) {
    List<Route> routes = new ArrayList<>(List.of(OpsRoutes.adminRoute(system)));
    List<String> what = new ArrayList<>(List.of("/ready, /alive"));
    faultInjection.ifPresent(linkDelay -> {
      routes.add(new FaultRoutes(system, linkDelay).route());
      routes.add(new JournalWriters(system, settings).route());
      what.add("fault injection, journal writers");
    });
    if (bulkImport) {
      routes.add(new ImportRoutes(system, settings, users).route());
      what.add("bulk import");
    }
    return new Admin(Directives.concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new)),
        "admin (" + String.join(", ", what) + ")");
  }
}
