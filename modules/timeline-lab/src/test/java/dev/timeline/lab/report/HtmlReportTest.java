package dev.timeline.lab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

  private static final Pattern SCRIPT_OPEN = Pattern.compile("<script\\b[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern DATA = Pattern.compile(
      "<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL);

  @TempDir
  Path dir;

  private String write(Report report) throws IOException {
    Path file = dir.resolve("report.html");
    HtmlReport.write(report, file);
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  @Test
  void inlinesChartJsAndLoadsNothing() throws IOException {
    String html = write(SampleRun.report("resilient"));

    assertTrue(html.contains("Chart.js v4.4.7"), "the UMD bundle's banner");
    assertFalse(html.contains("sourceMappingURL"), "no source map to fetch");
    Matcher scripts = SCRIPT_OPEN.matcher(html);
    int count = 0;
    while (scripts.find()) {
      count++;
      assertFalse(scripts.group().contains("src"), "inline scripts only: " + scripts.group());
    }
    assertEquals(4, count, "error hook, Chart.js, data, drawing");
    assertFalse(Pattern.compile("(src|href)\\s*=\\s*\"?https?://").matcher(html).find(), "no network resource");
    assertFalse(html.contains("<link"), "no external style sheet or font");
  }

  @Test
  void embedsTheReportAsJson() throws IOException {
    Report report = SampleRun.report("naive");
    String html = write(report);

    Matcher data = DATA.matcher(html);
    assertTrue(data.find(), "the data block");
    JsonNode reports = new ObjectMapper().readTree(data.group(1));
    assertEquals(1, reports.size());
    JsonNode json = reports.get(0);
    assertEquals("crash-one", json.get("name").asText());
    assertEquals(SampleRun.DESCRIPTION, json.get("description").asText(), "'<' escaped, read back unchanged");
    assertEquals(report.windows().size(), json.get("windows").size());
    assertEquals("crash", json.get("faults").get(0).get("verb").asText());
    assertEquals(1000, json.get("slo").get("windowMs").asDouble());
  }

  @Test
  void isOneWellFormedPageWithEveryTable() throws IOException {
    String html = write(SampleRun.report("naive"));

    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.strip().endsWith("</html>"));
    assertEquals(count(html, "<script"), count(html, "</script>"), "the description's </script> is escaped");
    assertTrue(html.contains("Crash one node &lt;/script&gt;&lt;b&gt;mid-run&lt;/b&gt; &amp; see"));
    assertEquals(3, count(html, "<canvas data-chart="));
    for (String column : List.of("fault", "nodes", "injected at", "detected at", "downed at", "served again after",
        "failed seconds", "verdict")) {
      assertTrue(html.contains("<th>" + column + "</th>") || html.contains("<th class=\"num\">" + column + "</th>"), column);
    }
    assertTrue(html.contains("<td class=\"verdict fail\">data lost</td>"));
    assertTrue(html.contains("<th>lost</th><td class=\"num fail\">1</td>"));
    assertTrue(html.contains("<td>max-failed-seconds</td><td>at most 5 s</td><td>7 s</td><td class=\"fail\">fail</td>"));
    assertTrue(html.contains("<div class=\"answer fail\" data-answer=\"expectations\"><b>Expectations:</b> FAILED ("));
    assertTrue(html.contains("<div class=\"answer fail\" data-answer=\"users\"><b>Users:</b> FAILED for 7 s during crash node 2</div>"));
    assertTrue(html.contains("<li>crash node 2, 5.0 s → 12.0 s: a failure of 7 s</li>"));
    assertTrue(html.contains("Failed windows (7)"));
    // Window 6 of the naive run: 5 posts, 10 home reads and 5 user reads, 5 lag samples: every p99 rests on few.
    assertTrue(html.contains("<span class=\"few\" title=\"a p99 of so few samples is little more than their maximum\">post 5</span>"), "few samples marked");
    assertTrue(html.contains("<body data-few-samples=\"20\">"), "the charts' threshold");
    assertTrue(html.contains("<summary>Settings</summary>"));
  }

  @Test
  void aComparisonPutsReportsInColumns() throws IOException {
    Path file = dir.resolve("comparison.html");

    HtmlReport.writeComparison(List.of(SampleRun.report("resilient"), SampleRun.report("naive")), file);
    String html = Files.readString(file);

    assertTrue(html.contains("repeat(2, minmax(0, 1fr))"));
    assertTrue(html.contains("<section class=\"report\" data-report=\"0\">"));
    assertTrue(html.contains("<section class=\"report\" data-report=\"1\">"));
    assertEquals(6, count(html, "<canvas data-chart="));
    assertTrue(html.contains("<title>crash-one (resilient) vs crash-one (naive)</title>"));
    Matcher data = DATA.matcher(html);
    assertTrue(data.find());
    JsonNode reports = new ObjectMapper().readTree(data.group(1));
    assertEquals("resilient", reports.get(0).get("profile").asText());
    assertEquals("naive", reports.get(1).get("profile").asText());
  }

  @Test
  void aComparisonNeedsAReport() {
    assertThrows(IllegalArgumentException.class, () -> HtmlReport.writeComparison(List.of(), dir.resolve("x.html")));
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
      count++;
    }
    return count;
  }
}
