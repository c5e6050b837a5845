package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timeline.lab.report.HeadlessChromium;
import dev.timeline.lab.report.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole lab on a real 3-node cluster, as scripts/experiment runs it, kept short (about 75 s):
 * a crash under load, then report.json is checked and report.html is opened in Chromium.
 */
class ShortExperimentIT {
  @TempDir Path dir;

  @Test
  void aShortCrashExperimentEndsInAPassingReport() throws Exception {
    Path root = Path.of("../..").toAbsolutePath().normalize();
    Path file = dir.resolve("short-crash.conf");
    Files.writeString(file, """
        experiment {
          name = short-crash
          duration = 30s
          warm-up = 5s
          settle = 10s
          graph { users = 60, mean-followers = 5 }
          load.rate = 30
          faults = [
            { at = 8s, do = crash, node = 2 }
            { at = 22s, do = restart, node = 2 }
          ]
          expect { lost = 0, duplicated = 0, out-of-order = 0, max-failed-seconds = 20 }
        }
        """);
    Path out = dir.resolve("results");
    System.setProperty("timeline.root", root.toString());

    int exit = new CommandLine(new LabMain()).execute(file.toString(), "--out", out.toString());

    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertEquals(0, exit, "every expectation holds: " + report.get("expectations"));
    assertTrue(report.get("passed").asBoolean());
    assertEquals(0, report.get("delivery").get("lost").asLong());
    assertTrue(report.get("delivery").get("ackedPosts").asInt() > 50, "posts were acknowledged: " + report.get("delivery"));
    JsonNode crash = report.get("faults").get(0);
    assertEquals("crash", crash.get("verb").asText());
    assertTrue(crash.get("downedMs").isNumber(), "the crashed node was seen downed: " + crash);
    assertNotEquals("data lost", crash.get("verdict").asText());
    assertTrue(Files.size(out.resolve("history.jsonl")) > 0);
    assertTrue(Files.exists(out.resolve("logs").resolve("node-2.log")), "node logs are kept with the report");
    HeadlessChromium.assertCharts(HtmlReport.CHARTS_PER_REPORT, out.resolve("report.html"), dir);
  }
}
