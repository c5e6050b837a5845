package dev.timeline.node.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** What a node's public {@code GET /cluster} says, and waiting on conditions with a deadline. */
final class Cluster {
  private Cluster() {}

  /** Entities on the node with Artery address {@code artery} (HOST:PORT), as node {@code asker} reports them; -1 if unknown. */
  static int entitiesOn(int asker, String artery) {
    Api.Response view = Api.call(asker, "GET", "/cluster", null);
    if (!view.ok()) return -1;
    for (JsonNode region : view.body().get("sharding").get("nodes"))
      if (region.get("address").asText().endsWith("@" + artery)) return region.get("entities").asInt();
    return -1;
  }

  static void await(Duration timeout, BooleanSupplier condition, String what) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("not within " + timeout + ": " + what);
      Workload.pause(200);
    }
  }
}
