package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * One experiment run by the lab exactly as {@code scripts/experiment} runs it, on a real local
 * cluster (scripts/cluster in this worktree's run/lab), for the lab's end-to-end tests: its exit
 * status, report.json and history.jsonl. The lab stops the cluster itself, also when the run fails.
 */
record LabRun(int exit, JsonNode report, List<JsonNode> history, Path out) {
  static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  static final ObjectMapper JSON = new ObjectMapper();

  static LabRun of(Path dir, String name, String experiment) throws IOException {
    Path file = dir.resolve(name + ".conf");
    Files.writeString(file, experiment);
    Path out = dir.resolve(name);
    System.setProperty("timeline.root", ROOT.toString());
    int exit = new CommandLine(new LabMain()).execute(file.toString(), "--out", out.toString());
    JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
    List<JsonNode> history = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("history.jsonl"))) history.add(JSON.readTree(line));
    return new LabRun(exit, report, history, out);
  }

  /**
   * Every expectation held (by default: nothing lost, doubled, unreadable, unresolved or
   * unanswered, warm and cold; no user written by two incarnations at once), and the checks saw
   * something: at least {@code minAcked} acknowledged posts, each checked in its timelines after
   * the cold restart as well as before it.
   */
  void assertPassedWithEverythingDurable(int minAcked) {
    assertEquals(0, exit, "every expectation holds: " + report.get("expectations"));
    assertTrue(report.get("passed").asBoolean());
    for (String readBack : List.of("delivery", "coldDelivery")) {
      JsonNode d = report.get(readBack);
      assertTrue(d != null && d.isObject(), readBack + " was checked: " + report);
      assertTrue(d.get("ackedPosts").asInt() >= minAcked, "posts were acknowledged: " + d);
      assertTrue(d.get("expectedDeliveries").asLong() > d.get("ackedPosts").asLong(), "deliveries were checked: " + d);
      assertEquals(0, d.get("lost").asLong(), readBack + ": " + d.get("lostExamples"));
      assertEquals(0, d.get("duplicated").asLong(), readBack + ": " + d.get("duplicateExamples"));
      assertEquals(0, d.get("unreadableTimelines").asInt(), readBack + ": " + d);
      assertEquals(0, d.get("unresolvedPosts").asInt(), readBack + ": " + d.get("unresolvedExamples"));
    }
    JsonNode writers = report.get("writers");
    assertTrue(writers.get("read").asBoolean() && writers.get("events").asLong() > 0, "the journal's writers were read: " + writers);
    assertEquals(0, writers.get("interleaved").asInt(), "no user ran on two nodes at once: " + writers.get("interleavedExamples"));
  }

  /** The report's faults with this verb, in injection order. */
  List<JsonNode> faults(String verb) {
    List<JsonNode> found = new ArrayList<>();
    report.get("faults").forEach(f -> {
      if (f.get("verb").asText().equals(verb)) found.add(f);
    });
    return found;
  }

  JsonNode fault(String verb) {
    List<JsonNode> found = faults(verb);
    if (found.size() != 1) throw new AssertionError("one " + verb + " fault expected: " + report.get("faults"));
    return found.get(0);
  }

  /** The operations of these types due within [fromMs, toMs]. */
  private java.util.stream.Stream<JsonNode> due(List<String> types, double fromMs, double toMs) {
    return history.stream().filter(op -> {
      double due = op.get("intendedMs").asDouble();
      return types.contains(op.get("type").asText()) && due >= fromMs && due <= toMs;
    });
  }

  private static boolean ok(JsonNode op) {
    return op.get("outcome").asText().equals("ok");
  }

  /** Ok share of the operations of these types due within [fromMs, toMs]; null if there were none. */
  Double okRatio(List<String> types, double fromMs, double toMs) {
    List<JsonNode> ops = due(types, fromMs, toMs).toList();
    return ops.isEmpty() ? null : (double) ops.stream().filter(LabRun::ok).count() / ops.size();
  }

  /** How often each error ended the operations of these types due within [fromMs, toMs], for messages. */
  java.util.Map<String, Long> errors(List<String> types, double fromMs, double toMs) {
    return due(types, fromMs, toMs).filter(op -> !ok(op)).collect(java.util.stream.Collectors.groupingBy(
        op -> op.get("error").asText(), java.util.TreeMap::new, java.util.stream.Collectors.counting()));
  }

  /** The highest p99 of the given operation type over the windows that start within [fromMs, toMs]. */
  double maxP99(String type, double fromMs, double toMs) {
    double max = 0;
    for (JsonNode w : report.get("windows")) {
      double start = w.get("startMs").asDouble();
      JsonNode ops = w.path("ops").path(type);
      boolean any = ops.path("ok").asInt() + ops.path("fail").asInt() + ops.path("info").asInt() > 0;
      if (start >= fromMs && start <= toMs && any) max = Math.max(max, ops.path("p99Ms").asDouble());
    }
    return max;
  }
}
