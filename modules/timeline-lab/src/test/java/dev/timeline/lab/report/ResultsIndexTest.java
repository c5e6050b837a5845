package dev.timeline.lab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsIndexTest {

  @TempDir
  Path results;

  /** A finished run's directory as the runner leaves it: report.json and report.html. */
  private void run(String dir, Report report, String startedIso) throws IOException {
    Path d = Files.createDirectories(results.resolve(dir));
    ObjectNode json = ReportWriter.MAPPER.valueToTree(report);
    json.put("startedIso", startedIso);
    ReportWriter.MAPPER.writeValue(d.resolve("report.json").toFile(), json);
    HtmlReport.write(report, d.resolve("report.html"));
  }

  @Test
  void listsEveryRunNewestFirstWithBothAnswersAndSkipsABrokenDirectory() throws IOException {
    run("20250101-120000-crash-one", SampleRun.report("resilient"), "2025-01-01T12:00:00Z");
    run("20250102-090000-crash-one-naive", SampleRun.report("naive"), "2025-01-02T09:00:00Z");
    Path broken = Files.createDirectories(results.resolve("20250103-100000-half-written"));
    String whole = ReportWriter.MAPPER.writeValueAsString(SampleRun.report("resilient"));
    Files.writeString(broken.resolve("report.json"), whole.substring(0, whole.length() / 2));
    Files.createDirectories(results.resolve("20250104-100000-still-running").resolve("logs"));
    Files.writeString(results.resolve("20250102-090000-compare.html"), "<html></html>");

    ResultsIndex.Found found = ResultsIndex.write(results);

    assertEquals(List.of("20250102-090000-crash-one-naive", "20250101-120000-crash-one"),
        found.runs().stream().map(ResultsIndex.Run::dir).toList(), "newest first, the broken ones left out");
    assertEquals(2, found.skipped().size(), found.skipped().toString());
    assertTrue(found.skipped().get(0).startsWith("20250103-100000-half-written: report.json is not valid JSON (half written?)"),
        found.skipped().get(0));
    assertTrue(found.skipped().get(1).startsWith("20250104-100000-still-running: no report.json"), found.skipped().get(1));
    assertEquals(List.of("20250102-090000-compare.html"), found.comparisons());

    String html = Files.readString(results.resolve(ResultsIndex.FILE));
    assertTrue(html.contains("<a href=\"./20250101-120000-crash-one/report.html\">report</a>"), "a link to each report");
    assertTrue(html.contains("<a href=\"./20250102-090000-crash-one-naive/report.json\">json</a>"));
    assertTrue(html.contains("<td class=\"num\">2025-01-02 09:00:00 UTC</td><td>crash-one <span class=\"profile\">naive</span></td>"));
    assertTrue(html.contains("<span class=\"answer pass\">PASSED (all 5 hold)</span></td><td><span class=\"answer fail\">"
        + "FAILED for 2 s during crash node 2</span>"), "the resilient run: both answers");
    assertTrue(html.contains("<span class=\"answer fail\">1 lost, 0 duplicated (warm and cold read-backs)</span>"), "the naive run lost one");
    assertTrue(html.indexOf("crash-one-naive/report.html") < html.indexOf("20250101-120000-crash-one/report.html"), "newest first");
    assertTrue(html.contains("<li>20250103-100000-half-written: report.json is not valid JSON"), "the note on the skipped one");
    assertTrue(html.contains("<a href=\"./20250102-090000-compare.html\">"));
    assertFalse(Files.exists(results.resolve(ResultsIndex.FILE + ".tmp")), "written aside, then moved");
  }

  @Test
  void aReportOfAnOlderShapeIsIndexedAndOneMissingAFieldIsSkipped() throws IOException {
    // Before the cold read-back and the windows' lag samples: still a run to list.
    Path old = Files.createDirectories(results.resolve("old"));
    ObjectNode json = ReportWriter.MAPPER.valueToTree(SampleRun.report("resilient"));
    json.remove("coldDelivery");
    json.withArray("windows").forEach(w -> ((ObjectNode) w).remove("lagSamples"));
    ReportWriter.MAPPER.writeValue(old.resolve("report.json").toFile(), json);
    Path incomplete = Files.createDirectories(results.resolve("incomplete"));
    json.remove("faults");
    ReportWriter.MAPPER.writeValue(incomplete.resolve("report.json").toFile(), json);

    ResultsIndex.Found found = ResultsIndex.write(results);

    assertEquals(1, found.runs().size());
    assertEquals("0 lost, 0 duplicated (warm read-back only)", found.runs().get(0).headline().data().text());
    assertEquals(null, found.runs().get(0).link(), "no report.html: no link");
    assertEquals(List.of("incomplete: report.json: no faults"), found.skipped());
    assertTrue(Files.readString(results.resolve(ResultsIndex.FILE)).contains("<span class=\"note\">no report</span>"));
  }

  @Test
  void anEmptyResultsDirectoryGetsAnIndexToo() throws IOException {
    ResultsIndex.Found found = ResultsIndex.write(results);

    assertTrue(found.runs().isEmpty());
    assertTrue(Files.readString(results.resolve(ResultsIndex.FILE)).contains("No run yet."));
  }
}
