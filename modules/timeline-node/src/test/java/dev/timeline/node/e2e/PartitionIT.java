package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Network faults. A slow link first: {@code slow} delays every message to a node, {@code fast}
 * ends it. Then a partition: one node is cut off from the other two, both ways. The majority keeps serving every user (the
 * minority's users move to it); the minority's Split Brain Resolver downs its own side, so its
 * node exits rather than serve the same users as the majority. After heal, it rejoins.
 */
class PartitionIT {
  static long slowestProfileRead(Workload users) {
    long slowest = 0;
    for (String u : users.users) {
      long start = System.nanoTime();
      assertEquals(200, Api.profile(1, u, Duration.ofSeconds(5)).status());
      slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
    }
    return slowest;
  }

  @Test
  void theMajorityServesAndTheMinorityIsDowned() throws Exception {
    try (ClusterScript cluster = new ClusterScript("partition")) {
      cluster.run("start", "3");
      Workload users = new Workload("split", 30, 4, 1);
      users.touchAll(1);
      assertTrue(Cluster.entitiesOn(1, 3) > 0, "node 3 hosts some users");

      cluster.run("slow", "3", "400");
      assertTrue(slowestProfileRead(users) >= 400, "users on node 3 answer node 1 at least 400 ms late");
      cluster.run("fast", "3");
      Cluster.await(Duration.ofSeconds(10), () -> slowestProfileRead(users) < 400, "no delay after fast");

      List<Workload.Acked> acked;
      try (Workload.Poster poster = users.new Poster("split", 2, () -> List.of(1, 2))) {
        Cluster.await(Duration.ofSeconds(60), () -> poster.acked.size() >= 20, "20 posts before the partition");
        Instant partitionedAt = Instant.now();
        cluster.run("partition", "3");
        Duration failover = users.timeUntilAllAnswer(2, partitionedAt, Duration.ofSeconds(60));
        System.out.printf("[partition] the majority answered for every user within %d ms%n", failover.toMillis());
        Cluster.await(Duration.ofSeconds(60), () -> !cluster.alive(3), "the minority node downs itself and exits");
        assertEquals(List.of("2551 Up", "2552 Up"), Cluster.members(1));
        int acked0 = poster.acked.size();
        Cluster.await(Duration.ofSeconds(60), () -> poster.acked.size() >= acked0 + 20, "the majority keeps taking posts");
        poster.close();
        acked = poster.assertAllAcknowledged();
        assertTrue(failover.compareTo(CrashScenario.FAILOVER_BOUND) <= 0, "the majority took over within " + failover);
      }
      cluster.run("heal");
      cluster.run("restart", "3");
      Cluster.await(Duration.ofSeconds(30), () -> Cluster.members(1).equals(List.of("2551 Up", "2552 Up", "2553 Up")),
          "node 3 rejoined: " + Cluster.members(1));
      users.awaitDelivered(acked, 3, Duration.ofSeconds(90));
      PauseIT.assertNoInterleavedWriters(cluster);
    }
  }
}
