package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import dev.timeline.lab.report.Report;
import dev.timeline.lab.report.StoredRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code scripts/experiment --analyze DIR} on a run the lab made against a stand-in cluster. */
class LabMainAnalyzeTest {
  @TempDir Path root;

  @Test
  void analyzeReproducesAStoredRunsVerdictAndAHandEditedLossFailsIt() throws Exception {
    Path results = root.resolve("results/run");
    Report ran;
    try (StandInCluster cluster = StandInCluster.start(root)) {
      Path file = root.resolve("e.conf");
      Files.writeString(file, """
          experiment { name = e, duration = 2s, warm-up = 0s, settle = 0s, dashboard.enabled = false
            cluster.nodes = 1, graph { users = 20, mean-followers = 0 }, load { rate = 40, lag-sample = 0 } }
          """);
      ran = new Runner(Experiment.load(file, ConfigFactory.empty()), root, results).run();
    }
    assertTrue(ran.passed(), "the stand-in keeps every post");
    String reportJson = Files.readString(results.resolve("report.json"));
    Files.delete(results.resolve("report.json"));

    assertEquals(0, analyze(results.toString()));
    assertEquals(reportJson, Files.readString(results.resolve("report.json")), "the same report, rebuilt from the stored run");

    // One acknowledged post's id changed by hand: as if the cluster had lost the tweet.
    Op acked = StoredRun.history(results).stream().filter(op -> op.type() == OpType.post && op.outcome() == Outcome.ok)
        .findFirst().orElseThrow();
    Path history = results.resolve(StoredRun.HISTORY);
    Files.writeString(history, Files.readString(history).replace("\"" + acked.tweetId() + "\"", "\"9999999999999-lost\""));
    assertEquals(1, analyze(results.toString()));
    assertTrue(Files.readString(results.resolve("report.json")).contains("\"lost\" : 1"), "the rebuilt report counts it");
  }

  @Test
  void analyzeNeedsAStoredRunAndNoFile() {
    assertEquals(2, analyze(root.toString()), "nothing stored");
    assertEquals(2, analyze(root.toString(), "x.conf"));
  }

  static int analyze(String dir, String... files) {
    String[] args = new String[files.length + 2];
    args[0] = "--analyze";
    args[1] = dir;
    System.arraycopy(files, 0, args, 2, files.length);
    return new CommandLine(new LabMain()).execute(args);
  }
}
