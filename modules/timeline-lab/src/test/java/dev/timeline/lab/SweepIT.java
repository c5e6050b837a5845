package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timeline.lab.report.HeadlessChromium;
import dev.timeline.lab.report.SweepHtml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A two-point sweep on a real 3-node cluster, as scripts/sweep runs it (about a minute): a tiny
 * graph, two rates on one cluster (started once), then sweep.json, sweep.csv and sweep.html are
 * checked, the page in Chromium. The sweep stops its cluster itself, also when a point breaks.
 */
class SweepIT {
  @TempDir Path dir;

  @Test
  void aTwoPointSweepMeasuresBothPointsOnOneCluster() throws Exception {
    Path root = Path.of("../..").toAbsolutePath().normalize();
    Path file = dir.resolve("two-rates.conf");
    Files.writeString(file, """
        sweep {
          name = two-rates
          question = "Does a tiny cluster keep up with 20 and 40 requests per second?"
          base {
            duration = 10s
            warm-up = 3s
            graph { users = 60, mean-followers = 5 }
            load.lag-sample = 0.5
          }
          x { key = load.rate, values = [20, 40] }
        }
        """);
    Path out = dir.resolve("results");
    System.setProperty("timeline.root", root.toString());

    int exit = new CommandLine(new SweepMain()).execute(file.toString(), "--out", out.toString());

    assertEquals(0, exit, "every point measured");
    JsonNode sweep = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
    JsonNode points = sweep.get("points");
    assertEquals(2, points.size());
    for (int i = 0; i < 2; i++) {
      JsonNode p = points.get(i);
      double offered = List.of(20.0, 40.0).get(i);
      assertEquals(offered, p.get("offeredRate").asDouble());
      assertNull(p.get("error").textValue(), "measured: " + p);
      assertTrue(p.get("achievedRate").asDouble() > 0.8 * offered, "a tiny load is served: " + p);
      JsonNode post = p.get("ops").get("post");
      assertTrue(post.get("count").asInt() > 0 && post.get("p99Ms").asDouble() > 0 && post.get("p99Ms").asDouble() < 10_000, "post latency: " + post);
      assertTrue(p.get("ops").get("home").get("p50Ms").asDouble() <= p.get("ops").get("home").get("p99Ms").asDouble());
      // push (the default): a post is written to each of its author's followers (mean 5), a read asks one entity.
      assertTrue(p.get("writesPerPost").asDouble() > 0.5 && p.get("writesPerPost").asDouble() < 60, "writes per post: " + p);
      assertEquals(1.0, p.get("entitiesPerRead").asDouble(), 0.01, "push reads ask one entity");
      assertTrue(p.get("lagP99Ms").isNumber(), "fan-out lag was sampled: " + p);
    }
    List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
    assertEquals(3, csv.size(), "a header and one row per point: " + csv);
    assertTrue(csv.get(1).startsWith("20,20.000,") && csv.get(2).startsWith("40,40.000,"), csv.toString());
    assertTrue(Files.readString(out.resolve("cluster.log")).lines().filter(l -> l.startsWith("$ scripts/cluster start")).count() == 1,
        "one cluster for both load-only points");
    HeadlessChromium.assertCharts(SweepHtml.CHARTS, out.resolve("sweep.html"), dir);
  }
}
