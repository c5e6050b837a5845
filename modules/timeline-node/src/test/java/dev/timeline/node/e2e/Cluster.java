package dev.timeline.node.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What a node's public {@code GET /cluster} says, and waiting on conditions with a deadline. */
final class Cluster {
  private Cluster() {}

  /** Entities of the user shard region on node {@code of}, as node {@code asker} reports them; -1 if unknown. */
  static int entitiesOn(int asker, int of) {
    Api.Response view = Api.call(asker, "GET", "/cluster", null);
    if (!view.ok()) return -1;
    for (JsonNode region : view.body().get("sharding").get("nodes"))
      if (region.get("address").asText().endsWith(":" + (2550 + of))) return region.get("entities").asInt();
    return -1;
  }

  /** "Up", "Leaving", ... of each member node {@code asker} knows, as "port status". */
  static List<String> members(int asker) {
    Api.Response view = Api.call(asker, "GET", "/cluster", null);
    List<String> members = new ArrayList<>();
    if (view.ok())
      for (JsonNode m : view.body().get("members")) {
        String address = m.get("address").asText();
        members.add(address.substring(address.lastIndexOf(':') + 1) + " " + m.get("status").asText());
      }
    return members;
  }

  static void await(Duration timeout, BooleanSupplier condition, String what) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("not within " + timeout + ": " + what);
      Workload.pause(200);
    }
  }
}
