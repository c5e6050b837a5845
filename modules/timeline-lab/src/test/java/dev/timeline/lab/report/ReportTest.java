package dev.timeline.lab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timeline.lab.check.ExpectationResult;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void aResilientRunPassesItsExpectations() {
    Report report = SampleRun.report("resilient");

    assertTrue(report.passed(), report.expectations().toString());
    assertEquals(0, report.delivery().lost());
    assertEquals(400, report.summary().ops());
    assertEquals(20, report.windows().size());
    assertEquals("became a failure for 2 s", report.faults().get(0).verdict(), "two seconds of 800 ms answers");
    assertEquals(100, report.totals().get(OpType.post).ok());
  }

  @Test
  void partialReadsAndTheStrategyCostAreReported() throws IOException {
    Report report = SampleRun.report("resilient");

    long partial = SampleRun.history(false).stream().filter(Op::partial).count();
    assertTrue(partial > 0, "the sample has partial home reads");
    assertEquals(partial, report.summary().partialReads(), "counted on their own");
    assertEquals(400, report.summary().ok() + report.summary().fail() + report.summary().info(), "and still as ok reads");
    // Node 3 restarted during the run: its end reading counts, not a negative difference.
    assertEquals(80, report.cost().counted().posts());
    assertEquals(20.0, report.cost().writesPerPost());
    assertEquals(1.0, report.cost().entitiesPerRead());
    Path file = dir.resolve("report.json");
    ReportWriter.writeJson(report, file);
    JsonNode json = JSON.readTree(file.toFile());
    assertEquals(20.0, json.get("cost").get("writesPerPost").asDouble());
    assertEquals(partial, json.get("summary").get("partialReads").asLong());
    assertTrue(HtmlReport.page("t", List.of(report)).contains("timeline writes per post"));
  }

  @Test
  void aNaiveRunFailsAndSaysWhy() {
    Report report = SampleRun.report("naive");

    assertFalse(report.passed());
    assertEquals(1, report.delivery().lost());
    assertEquals("data lost", report.faults().get(0).verdict());
    assertEquals(List.of("lost (warm)", "lost (cold)", "duplicated (warm)", "duplicated (cold)", "max-failed-seconds"),
        report.expectations().stream().map(ExpectationResult::name).toList());
    assertEquals(List.of(false, false, true, true, false), report.expectations().stream().map(ExpectationResult::holds).toList());
    assertTrue(report.lag().neverVisible() > 0);
  }

  @Test
  void aTweetTheColdReadBackCannotFindFailsTheRunAlthoughTheWarmOneFoundIt() {
    Report report = SampleRun.report("resilient", true);

    assertEquals(0, report.delivery().lost());
    assertEquals(1, report.coldDelivery().lost());
    assertFalse(report.passed());
    assertEquals("data lost", report.faults().get(0).verdict());
    String page = HtmlReport.page("t", List.of(report));
    assertTrue(page.contains("cold restart"), "the page shows both read-backs");
  }

  @Test
  void reportJsonHoldsEverythingUnderTheRecordsNames() throws IOException {
    Report report = SampleRun.report("naive");
    Path file = dir.resolve("report.json");

    ReportWriter.writeJson(report, file);
    JsonNode json = JSON.readTree(file.toFile());

    assertEquals("crash-one", json.get("name").asText());
    assertEquals("naive", json.get("profile").asText());
    assertEquals(20_000, json.get("durationMs").asDouble());
    assertEquals(1000, json.get("slo").get("windowMs").asDouble());
    assertEquals(1000, json.get("slo").get("maxP99Ms").get("post").asDouble());
    assertEquals(report.totals().get(OpType.home).fail(), json.get("totals").get("home").get("fail").asInt());
    assertEquals(20, json.get("windows").size());
    JsonNode crashed = json.get("windows").get(6);
    assertTrue(crashed.get("failed").asBoolean());
    assertTrue(crashed.get("reasons").get(0).asText().startsWith("success "));
    assertEquals("Infinity", crashed.get("lagP99Ms").asText(), "posts never seen: infinitely late");
    assertEquals("data lost", json.get("faults").get(0).get("verdict").asText());
    assertTrue(json.get("faults").get(0).get("downedMs").isNull());
    assertEquals(1, json.get("delivery").get("lost").asLong());
    assertEquals(1, json.get("coldDelivery").get("lost").asLong());
    assertTrue(json.get("delivery").get("infoPosts").asInt() > 0, "the naive run has unknown posts");
    assertEquals(json.get("delivery").get("infoPosts").asInt(), json.get("delivery").get("infoNotAppeared").asInt(), "none appeared");
    assertTrue(json.get("writers").get("read").asBoolean());
    assertEquals(1, json.get("writers").get("severalWriters").asInt());
    assertFalse(json.get("passed").asBoolean());
    assertEquals(report.summary().fail(), json.get("summary").get("fail").asInt());
    assertTrue(json.get("settings").get("file").isNull());
    assertEquals(10, json.get("settings").get("graph").get("users").asInt());
    assertTrue(json.get("lag").get("neverVisible").asInt() > 0);
  }

  @Test
  void historyIsOneOperationPerLine() throws IOException {
    List<Op> history = SampleRun.history(true);
    Path file = dir.resolve("history.jsonl");

    ReportWriter.writeHistory(history, file);
    List<String> lines = Files.readAllLines(file);

    assertEquals(history.size(), lines.size());
    JsonNode first = JSON.readTree(lines.get(0));
    assertEquals(List.of("id", "type", "user", "intendedMs", "invokeMs", "completeMs", "outcome", "status", "attempts",
        "tweetId", "requestId", "error", "partial"), iterable(first.fieldNames()));
    assertEquals("post", first.get("type").asText());
    assertEquals("ok", first.get("outcome").asText());
    assertEquals(history.get(0).tweetId(), first.get("tweetId").asText());
    JsonNode failed = JSON.readTree(lines.get(101));
    assertEquals(history.get(101).outcome().name(), failed.get("outcome").asText());
    assertEquals(history.get(101).completeMs(), failed.get("completeMs").asDouble());
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new java.util.ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
