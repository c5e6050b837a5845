package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.timeline.lab.report.HeadlessChromium;
import dev.timeline.lab.report.HtmlReport;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole lab on a real 3-node cluster with the H2 journal, as scripts/experiment runs it, kept
 * short: a node crash under load (the failover within 15 s, the node restarted), then a power loss
 * of the whole cluster under load; report.json is checked (everything acknowledged is in every
 * follower's timeline once, before and after a cold restart) and report.html is opened in Chromium.
 */
class ShortExperimentIT {
  @TempDir java.nio.file.Path dir;

  @Test
  void aCrashThenAPowerLossEndInAPassingReport() throws Exception {
    LabRun run = LabRun.of(dir, "short-crash", """
        experiment {
          name = short-crash
          duration = 60s
          warm-up = 5s
          settle = 15s
          graph { users = 60, mean-followers = 5 }
          load.rate = 30
          faults = [
            { at = 6s, do = crash, node = 2 }
            { at = 18s, do = restart, node = 2 }
            { at = 40s, do = crash-all }
            { at = 44s, do = start-all }
          ]
        }
        """);

    run.assertPassedWithEverythingDurable(50);
    JsonNode crash = run.fault("crash");
    assertTrue(crash.get("downedMs").isNumber(), "the crashed node was seen downed: " + crash);
    assertTrue(crash.get("servedAgainAfterMs").asDouble() <= 15_000, "every user served again within 15 s of the crash: " + crash);
    assertNotEquals("data lost", crash.get("verdict").asText());
    JsonNode powerLoss = run.fault("crash-all");
    assertTrue(powerLoss.get("endedMs").isNumber(), "start-all ended the power loss: " + powerLoss);
    // How long the power loss lasts is not bounded here: it is as long as three JVMs take to start
    // at once under the load that waited for them, on whatever else the machine runs. 28 s after
    // the crash on a quiet machine, 50-54 s with a load average of 20 from other work, and past
    // the end of a 120-s run during a full build (2026-12-03). That the cluster serves again
    // afterwards is checked above: the warm read-back answers every user's timelines.
    assertTrue(powerLoss.get("failedUntilMs").isNumber(), "the failure outlasted start-all: " + powerLoss);
    assertTrue(Files.size(run.out().resolve("history.jsonl")) > 0);
    assertTrue(Files.exists(run.out().resolve("logs").resolve("node-2.log")), "node logs are kept with the report");
    HeadlessChromium.assertCharts(HtmlReport.CHARTS_PER_REPORT, run.out().resolve("report.html"), dir);
  }
}
