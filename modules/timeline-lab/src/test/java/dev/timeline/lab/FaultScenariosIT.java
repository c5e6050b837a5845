package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault scenarios of the project, short, as lab experiments on a real 3-node cluster (with
 * {@link ShortExperimentIT}: a crash and a power loss on H2). Several faults share one run to keep
 * the suite short; each run ends, like every experiment, with every acknowledged tweet checked
 * once in its author's and every follower's timeline, before and after a cold restart of the
 * whole cluster, and with no user written by two incarnations at once.
 */
class FaultScenariosIT {
  @TempDir Path dir;

  /** A SIGKILL of the database right after acknowledgements, then a node crash, on PostgreSQL. */
  @Test
  void onPostgresACrashAndAJournalCrashLoseNothing() throws Exception {
    LabRun run = LabRun.of(dir, "postgres", """
        experiment {
          name = postgres-crashes
          duration = 40s
          warm-up = 5s
          settle = 15s
          cluster.journal = postgres
          graph { users = 60, mean-followers = 5 }
          load.rate = 30
          faults = [
            { at = 4s, do = journal-crash }
            { at = 8s, do = journal-start }
            { at = 14s, do = crash, node = 2 }
            { at = 26s, do = restart, node = 2 }
          ]
          expect { max-failed-seconds = 30 }
        }
        """);

    run.assertPassedWithEverythingDurable(40);
    JsonNode crash = run.fault("crash");
    assertTrue(crash.get("downedMs").isNumber(), "the crashed node was downed: " + crash);
    assertTrue(crash.get("servedAgainAfterMs").asDouble() <= 15_000, "every user served again within 15 s of the crash: " + crash);
    JsonNode journal = run.fault("journal-crash");
    Double postsAfter = run.okRatio(List.of("post"), journal.get("endedMs").asDouble() + 3_000, crash.get("injectedMs").asDouble());
    assertTrue(postsAfter != null && postsAfter > 0.9, "posts succeed again once the journal is back, no node restarted: " + postsAfter);
  }

  /**
   * On H2: a journal outage (posts refused, reads of running users go on), a slow link, a
   * partition (the majority serves, the minority downs itself), a storm of 10 pauses of 1.5 s too
   * short to be downed, then a pause of 20 s, longer than downing (the paused node is downed and
   * exits on resume; the lab restarts it after the run), all under continuous posting. The pause
   * outlasts the 15 s bound on serving its users again, so the bound measures the failover, not
   * the resume.
   */
  @Test
  void onH2AnOutageASlowLinkAPartitionAPauseAndAPauseStormLoseNothing() throws Exception {
    LabRun run = LabRun.of(dir, "h2", """
        experiment {
          name = h2-faults
          duration = 90s
          warm-up = 5s
          settle = 15s
          graph { users = 60, mean-followers = 5 }
          load.rate = 30
          faults = [
            { at = 2s, do = journal-stop }
            { at = 7s, do = journal-start }
            { at = 9s, do = slow, node = 3, ms = 400 }
            { at = 13s, do = fast, node = 3 }
            { at = 15s, do = partition, nodes = [3] }
            { at = 29s, do = heal }
            { at = 31s, do = restart, node = 3 }
            { at = 38s, do = pause-storm, node = 3, count = 10, pause = 1500ms, gap = 1000ms }
            { at = 65s, do = pause, node = 3 }
            { at = 85s, do = resume, node = 3 }
          ]
          expect { max-failed-seconds = null }
        }
        """);

    run.assertPassedWithEverythingDurable(100);
    JsonNode outage = run.fault("journal-stop");
    Double reads = run.okRatio(List.of("home", "user"), outage.get("injectedMs").asDouble() + 1_000, outage.get("endedMs").asDouble());
    assertTrue(reads != null && reads > 0.9, "reads of running users go on while the journal is down: " + reads);
    JsonNode slow = run.fault("slow");
    assertTrue(run.maxP99("home", slow.get("injectedMs").asDouble(), slow.get("endedMs").asDouble()) >= 400,
        "reads of node 3's users wait for the slow link");
    for (String verb : List.of("partition", "pause")) {
      JsonNode f = run.fault(verb);
      assertTrue(f.get("downedMs").isNumber(), "node 3 was downed during the " + verb + ": " + f);
      assertTrue(f.get("servedAgainAfterMs").asDouble() <= 15_000, "its users served again within 15 s: " + f);
    }
    JsonNode storm = run.fault("pause-storm");
    assertEquals(List.of(3), List.of(storm.get("nodes").get(0).asInt()));
    assertTrue(storm.get("endedMs").asDouble() - storm.get("injectedMs").asDouble() >= 10 * 1500,
        "10 pauses of 1.5 s: " + storm);
    assertTrue(storm.get("downedMs").isNull(), "pauses shorter than failure detection do not down the node: " + storm);
    Double posts = run.okRatio(List.of("post"), storm.get("injectedMs").asDouble(), storm.get("endedMs").asDouble());
    assertTrue(posts != null && posts > 0.9, "posting goes on through the storm: " + posts);
  }
}
