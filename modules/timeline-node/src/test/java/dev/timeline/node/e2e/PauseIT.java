package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node stops for longer than the downing decision (SIGSTOP, like a long GC pause) and then
 * resumes. The others down it and take over its users; the resumed node learns it was downed
 * and exits. Throughout, no user entity runs on two nodes at once: in the journal, no
 * persistence id has events of one writer (an entity incarnation) on both sides of another's.
 */
class PauseIT {
  @Test
  void aPausedNodeIsDownedAndNoEntityRunsTwice() throws Exception {
    try (ClusterScript cluster = new ClusterScript("pause")) {
      cluster.run("start", "3");
      Workload users = new Workload("pause", 30, 4, 1);
      users.touchAll(1);
      assertTrue(Cluster.entitiesOn(1, 3) > 0, "node 3 hosts some users");

      List<Workload.Acked> acked;
      try (Workload.Poster poster = users.new Poster("pause", 3, () -> List.of(1, 2, 3))) {
        Cluster.await(Duration.ofSeconds(60), () -> poster.acked.size() >= 30, "30 posts before the pause");
        cluster.run("pause", "3");
        Cluster.await(Duration.ofSeconds(30), () -> Cluster.members(1).equals(List.of("2551 Up", "2552 Up")),
            "node 3 downed and removed while paused: " + Cluster.members(1));
        int ackedWhilePaused = poster.acked.size();
        Cluster.await(Duration.ofSeconds(60), () -> poster.acked.size() >= ackedWhilePaused + 30, "posts go on without node 3");
        cluster.run("resume", "3");
        Cluster.await(Duration.ofSeconds(60), () -> !cluster.alive(3), "the resumed node, downed, exits");
        poster.close();
        acked = poster.assertAllAcknowledged();
      }
      users.awaitDelivered(acked, 1, Duration.ofSeconds(90));
      assertNoInterleavedWriters(cluster);

      cluster.run("restart", "3");
      assertEquals(200, Api.profile(3, users.users.get(0), Duration.ofSeconds(10)).status());
    }
  }

  /** Per persistence id, each writer's events form one unbroken run of sequence numbers. */
  static void assertNoInterleavedWriters(ClusterScript cluster) throws Exception {
    Map<String, List<String>> writerRuns = new HashMap<>();
    long events = 0;
    try (Connection c = cluster.journal();
         ResultSet rs = c.createStatement().executeQuery(
             "select \"persistence_id\", \"sequence_number\", \"writer\" from \"event_journal\" "
                 + "order by \"persistence_id\", \"sequence_number\"")) {
      String lastPid = null;
      long lastSeq = 0;
      while (rs.next()) {
        events++;
        String pid = rs.getString(1);
        long seq = rs.getLong(2);
        String writer = rs.getString(3);
        if (pid.equals(lastPid)) assertTrue(seq > lastSeq, pid + " has sequence number " + seq + " twice");
        List<String> runs = writerRuns.computeIfAbsent(pid, p -> new ArrayList<>());
        if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(writer)) {
          assertTrue(!runs.contains(writer), () -> pid + ": writer " + writer + " wrote again after another took over"
              + " (runs " + runs + "): the entity ran on two nodes at once");
          runs.add(writer);
        }
        lastPid = pid;
        lastSeq = seq;
      }
    }
    assertTrue(events > 0, "the journal has events");
  }
}
