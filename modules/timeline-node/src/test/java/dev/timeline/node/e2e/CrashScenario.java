package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node crashes (SIGKILL) while a client keeps posting: every user answers again from a survivor
 * within the failover bound, every acknowledged tweet reaches every follower once, and the
 * crashed node restarts on its old address.
 */
abstract class CrashScenario {
  /** The failover goal is 10 s (config/cluster.conf); the margin absorbs a noisy shared CI machine. */
  static final Duration FAILOVER_BOUND = Duration.ofSeconds(15);

  abstract String journal();

  @Test
  void aCrashedNodeIsAFaultNotAFailure() throws Exception {
    try (ClusterScript cluster = new ClusterScript("crash-" + journal())) {
      cluster.run("start", "3", "--journal", journal());
      Workload users = new Workload("crash", 30, 4, 1);
      users.touchAll(1);
      assertTrue(Cluster.entitiesOn(1, 2) > 0, "node 2 hosts some users: " + Cluster.entitiesOn(1, 2));

      Duration failover;
      List<Workload.Acked> acked;
      try (Workload.Poster poster = users.new Poster("crash", 3, () -> List.of(1, 2, 3))) {
        Cluster.await(Duration.ofSeconds(60), () -> poster.acked.size() >= 30, "30 posts before the crash");
        Instant crashedAt = Instant.now();
        cluster.run("crash", "2");
        failover = users.timeUntilAllAnswer(1, crashedAt, Duration.ofSeconds(60));
        System.out.printf("[%s] failover after crash: every user answered within %d ms%n", journal(), failover.toMillis());
        int ackedAtFailover = poster.acked.size();
        Cluster.await(Duration.ofSeconds(60), () -> poster.acked.size() >= ackedAtFailover + 30, "30 posts after the failover");
        poster.close();
        acked = poster.assertAllAcknowledged();
      }
      assertTrue(failover.compareTo(FAILOVER_BOUND) <= 0, "failover took " + failover);
      users.awaitDelivered(acked, 1, Duration.ofSeconds(90));

      cluster.run("restart", "2");
      Cluster.await(Duration.ofSeconds(30), () -> Cluster.members(1).equals(List.of("2551 Up", "2552 Up", "2553 Up")),
          "the restarted node is an Up member again: " + Cluster.members(1));
      assertEquals(200, Api.profile(2, users.users.get(0), Duration.ofSeconds(10)).status());
    }
  }
}
