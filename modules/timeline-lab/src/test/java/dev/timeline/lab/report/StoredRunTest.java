package dev.timeline.lab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stored run analyzed again gives its report back; a history edited by hand does not. */
class StoredRunTest {
  @TempDir Path dir;

  /** A run's directory as Runner leaves it: the stored run, the history, the report built from them. */
  Report store(String profile) {
    StoredRun run = SampleRun.stored(profile);
    List<Op> history = SampleRun.history(profile.equals("naive"));
    run.write(dir, history);
    return run.writeReport(dir, history);
  }

  static String json(Report r) throws Exception {
    return ReportWriter.MAPPER.writeValueAsString(r);
  }

  @Test
  void analyzingAStoredRunReproducesItsReport() throws Exception {
    for (String profile : List.of("resilient", "naive")) {
      Report written = store(profile);
      String reportJson = Files.readString(dir.resolve("report.json"));
      Files.delete(dir.resolve("report.json"));
      Files.delete(dir.resolve("report.html"));
      Report analyzed = StoredRun.analyze(dir);
      assertEquals(json(written), json(analyzed), profile);
      assertEquals(reportJson, Files.readString(dir.resolve("report.json")), "report.json rebuilt as it was");
      assertTrue(Files.exists(dir.resolve("report.html")));
    }
    assertTrue(store("resilient").passed());
    assertFalse(store("naive").passed(), "the naive sample loses a delivery");
  }

  @Test
  void aTweetLostFromTheHistoryByHandFailsTheAnalysis() throws Exception {
    assertTrue(store("resilient").passed());
    List<Op> history = StoredRun.history(dir);
    Op acked = history.stream().filter(op -> op.type() == OpType.post && op.outcome() == Outcome.ok).findFirst().orElseThrow();
    // The same post acknowledged with an id no timeline holds: as if the cluster had lost it.
    Path file = dir.resolve(StoredRun.HISTORY);
    String edited = Files.readString(file).replace("\"" + acked.tweetId() + "\"", "\"9999999999999-" + acked.user() + "\"");
    assertNotEquals(Files.readString(file), edited);
    Files.writeString(file, edited);
    Report analyzed = StoredRun.analyze(dir);
    assertFalse(analyzed.passed());
    assertEquals(4, analyzed.delivery().lost(), "missing from its author's own timeline and its 3 followers' homes");
  }

  @Test
  void aDirectoryWithoutAStoredRunIsNamed() {
    UncheckedIOException missing = assertThrows(UncheckedIOException.class, () -> StoredRun.analyze(dir));
    assertTrue(missing.getMessage().contains(StoredRun.FILE), missing.getMessage());
  }
}
